/**
 * Projector throughput: folds >= 1,000,000 simulated agent events and compares
 * parse+project against a JSON.parse-only baseline over the same strings, in
 * the same run. Generation is not timed: events are generated and serialized
 * in chunks, then each chunk is timed twice (baseline, then parse+project).
 *
 *   npm run bench:projectors [-- --events 1000000 --agents 400]
 */
import { applyAgentEvent, initialAgentState, parseRecord, projectContact, parseRules, type AgentState } from '../packages/core/src/index.js';
import { simulate } from '../packages/cli/src/simulator/index.js';
import { fmt, machine, median } from './machine.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const target = Number(args.get('events') ?? 1_000_000);
const agents = Number(args.get('agents') ?? 400);
const CHUNK = 50_000;

const rules = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' });
const states = new Map<string, AgentState>();
let intervals = 0;
let agentEvents = 0;
let baselineMs = 0;
let projectMs = 0;
const chunkRates: Array<{ baseline: number; project: number }> = [];
let sink = 0;

function timeBaseline(lines: string[]): number {
  const t = performance.now();
  for (const line of lines) sink += (JSON.parse(line) as { EventType?: string }).EventType ? 1 : 0;
  return performance.now() - t;
}

function timeProject(lines: string[]): number {
  const t = performance.now();
  for (const line of lines) {
    const parsed = parseRecord(JSON.parse(line), line, { origin: 'bench' });
    if (!parsed.ok) throw new Error(parsed.reason);
    if (parsed.agent) {
      const a = parsed.agent;
      const r = applyAgentEvent(states.get(a.agentArn) ?? initialAgentState(a.agentArn, a.instanceArn), a);
      states.set(a.agentArn, r.state);
      intervals += r.outputs.intervals.length;
    } else if (parsed.contact) {
      sink += projectContact(parsed.contact, rules).row.durationSeconds ?? 0;
    }
  }
  return performance.now() - t;
}

const events = simulate({ agents, hours: Infinity, seed: 7 });
let chunk: string[] = [];
let bytes = 0;
while (agentEvents < target) {
  const e = events.next().value!;
  if (e.kind !== 'agent') continue; // the projector bench folds agent events
  const line = JSON.stringify(e.payload);
  bytes += line.length;
  chunk.push(line);
  agentEvents++;
  if (chunk.length === CHUNK || agentEvents === target) {
        const b = timeBaseline(chunk);
    const p = timeProject(chunk);
    baselineMs += b;
    projectMs += p;
    chunkRates.push({ baseline: (chunk.length / b) * 1000, project: (chunk.length / p) * 1000 });
    chunk = [];
  }
}

const baselineRate = median(chunkRates.map((c) => c.baseline));
const projectRate = median(chunkRates.map((c) => c.project));
const result = {
  bench: 'projectors',
  date: new Date().toISOString(),
  machine: machine(),
  agentEvents,
  agents,
  meanEventBytes: Math.round(bytes / agentEvents),
  chunks: chunkRates.length,
  parseOnlyEventsPerSecondMedian: Math.round(baselineRate),
  parseProjectEventsPerSecondMedian: Math.round(projectRate),
  ratioMedian: Number((projectRate / baselineRate).toFixed(3)),
  ratioOverall: Number((baselineMs / projectMs).toFixed(3)),
  intervalsEmitted: intervals,
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `\n${fmt(agentEvents)} agent events (${result.meanEventBytes} B mean) on ${result.machine}\n` +
    `parse only (JSON.parse): ${fmt(baselineRate)} events/s (median of ${chunkRates.length} chunks)\n` +
    `parse + validate + project: ${fmt(projectRate)} events/s -> ${(result.ratioMedian * 100).toFixed(0)}% of parse-only (target >= 50%)`,
);
if (sink < 0) console.log(sink);
