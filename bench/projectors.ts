/**
 * Projector throughput: parse + validate + fold into the agent projector,
 * against a JSON.parse-only baseline over the same strings in the same run.
 *
 *   npm run bench:projectors [-- --events 1000000 --agents 400 --repeats 3]
 *
 * Neither side gets the cold or the warm turn: generation is not timed; each
 * chunk of serialized events is parsed once untimed (the warm-up: the fresh
 * strings are promoted out of the young generation and both code paths are
 * optimized), then each variant is timed `repeats` times over the same strings,
 * alternating which one goes first. Every repeat folds into its own agent
 * states, so each timed fold sees every event once and in order. Reported:
 * the median rate of each variant over all timings, and the median of the
 * per-pair ratios (a pair is timed back to back, so a drifting machine speed
 * cancels out of it).
 */
import { applyAgentEvent, initialAgentState, parseRecord, type AgentState } from '../packages/core/src/index.js';
import { simulate } from '../packages/cli/src/simulator/index.js';
import { argsOf, fmt, machine, median } from './machine.js';

const args = argsOf(process.argv);
const target = Number(args.get('events') ?? 1_000_000);
const agents = Number(args.get('agents') ?? 400);
const repeats = Number(args.get('repeats') ?? 3);
const chunkSize = Number(args.get('chunk') ?? 50_000);

const states = Array.from({ length: repeats }, () => new Map<string, AgentState>());
let intervals = 0;
let sink = 0;

function parseOnly(lines: readonly string[]): void {
  for (const line of lines) sink += (JSON.parse(line) as { EventType?: string }).EventType ? 1 : 0;
}

function parseProject(lines: readonly string[], agentStates: Map<string, AgentState>, count: boolean): void {
  for (const line of lines) {
    const parsed = parseRecord(JSON.parse(line), line, { origin: 'bench' });
    if (!parsed.ok) throw new Error(parsed.reason);
    const a = parsed.agent!;
    const r = applyAgentEvent(agentStates.get(a.agentArn) ?? initialAgentState(a.agentArn, a.instanceArn), a);
    agentStates.set(a.agentArn, r.state);
    if (count) intervals += r.outputs.intervals.length;
  }
}

function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const samples: Array<{ baseline: number; project: number }> = [];
const events = simulate({ agents, hours: Infinity, seed: 7 });
let agentEvents = 0;
let bytes = 0;
let chunkNo = 0;
while (agentEvents < target) {
  const chunk: string[] = [];
  while (chunk.length < chunkSize && agentEvents < target) {
    const e = events.next().value!;
    if (e.kind !== 'agent') continue; // the projector bench folds agent events
    const line = JSON.stringify(e.payload);
    bytes += line.length;
    chunk.push(line);
    agentEvents++;
  }
  parseOnly(chunk); // warm-up, untimed
  for (let r = 0; r < repeats; r++) {
    const baselineFirst = (chunkNo + r) % 2 === 0;
    const b1 = baselineFirst ? timed(() => parseOnly(chunk)) : 0;
    const p = timed(() => parseProject(chunk, states[r]!, r === 0));
    const b = baselineFirst ? b1 : timed(() => parseOnly(chunk));
    samples.push({ baseline: (chunk.length / b) * 1000, project: (chunk.length / p) * 1000 });
  }
  chunkNo++;
}

const baselineRate = median(samples.map((s) => s.baseline));
const projectRate = median(samples.map((s) => s.project));
const result = {
  bench: 'projectors',
  date: new Date().toISOString(),
  machine: machine(),
  agentEvents,
  agents,
  meanEventBytes: Math.round(bytes / agentEvents),
  chunks: chunkNo,
  repeats,
  timingsPerVariant: samples.length,
  parseOnlyEventsPerSecondMedian: Math.round(baselineRate),
  parseProjectEventsPerSecondMedian: Math.round(projectRate),
  ratioOfMedians: Number((projectRate / baselineRate).toFixed(3)),
  ratioMedianOfPairs: Number(median(samples.map((s) => s.project / s.baseline)).toFixed(3)),
  intervalsEmitted: intervals,
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `\n${fmt(agentEvents)} agent events (${result.meanEventBytes} B mean) on ${result.machine}\n` +
    `parse only (JSON.parse): ${fmt(baselineRate)} events/s (median of ${samples.length} timings: ${chunkNo} chunks x ${repeats}, order alternated, warm)\n` +
    `parse + validate + project: ${fmt(projectRate)} events/s -> ${(result.ratioMedianOfPairs * 100).toFixed(0)}% of parse-only (median of pairs; target >= 50%)`,
);
if (sink < 0) console.log(sink);
