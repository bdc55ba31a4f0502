/**
 * Traffic simulator benchmark: generates N events (default 1,000,000) and
 * writes them as JSON Lines, gzip'd JSON Lines and gzip'd Kinesis documents
 * (files in the temp directory, removed afterwards unless --keep).
 *
 *   npm run bench:simulator -- [--events 1000000] [--agents 250] [--keep]
 *
 * or, bundling by hand (tsx is not installed):
 *
 *   npx esbuild bench/simulator.ts --bundle --platform=node --format=esm \
 *     --external:@aws-sdk/* --external:@smithy/* --outfile=/tmp/bench-simulator.mjs \
 *     && node /tmp/bench-simulator.mjs
 *
 * Only relative imports here: the workspace packages export TypeScript sources.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { DEFAULT_START, simulate, writeSimulation, type SimEvent } from '../packages/cli/src/simulator/index.js';
import { fmt, machine } from './machine.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const total = arg('events', 1_000_000);
const agents = arg('agents', 250);
const keep = process.argv.includes('--keep');

function* take(events: Iterable<SimEvent>, n: number): Generator<SimEvent> {
  let i = 0;
  if (n <= 0) return;
  for (const e of events) {
    yield e;
    if (++i >= n) return;
  }
}

/** A live-mode run from a fixed start: as long as needed for the event count, same output every time. */
const traffic = () => take(simulate({ agents, hours: Infinity, seed: 1, start: DEFAULT_START }), total);

console.log(`machine: ${machine()} (${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores)`);
console.log(`events: ${fmt(total)}, agents: ${agents}`);

// Peak resident memory while each case runs: writing streams, so it stays flat whatever the count.
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
sampler.unref();
const peak = (): number => {
  const p = Math.max(peakRss, process.memoryUsage().rss);
  peakRss = 0;
  return p / 1e6;
};

const rows: { case: string; seconds: number; eventsPerSecond: number; megabytes: number | null; rssMb: number }[] = [];
const dir = mkdtempSync(join(os.tmpdir(), 'switchboard-bench-'));

try {
  {
    const t0 = performance.now();
    let n = 0;
    let bytes = 0;
    let last = 0;
    for (const e of traffic()) {
      n++;
      last = e.at;
      if (n % 10 === 0) bytes += JSON.stringify(e.payload).length; // sample the size
    }
    const s = (performance.now() - t0) / 1000;
    rows.push({ case: 'generate only', seconds: s, eventsPerSecond: n / s, megabytes: null, rssMb: peak() });
    console.log(`simulated time: ${((last - DEFAULT_START) / 3_600_000).toFixed(1)} h, ~${Math.round((bytes * 10) / n)} bytes per event`);
  }
  for (const [label, file, format] of [
    ['JSON Lines', 'events.jsonl', 'jsonl'],
    ['JSON Lines .gz', 'events.jsonl.gz', 'jsonl'],
    ['Kinesis documents .gz', 'kinesis.json.gz', 'kinesis'],
  ] as const) {
    const path = join(dir, file);
    const t0 = performance.now();
    const result = await writeSimulation(traffic(), path, { format });
    const s = (performance.now() - t0) / 1000;
    rows.push({ case: label, seconds: s, eventsPerSecond: result.events / s, megabytes: statSync(path).size / 1e6, rssMb: peak() });
    if (!keep) rmSync(path);
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`files kept in ${dir}`);
}

console.table(
  rows.map((r) => ({
    case: r.case,
    seconds: Number(r.seconds.toFixed(2)),
    'events/s': fmt(r.eventsPerSecond),
    'file MB': r.megabytes === null ? '' : Number(r.megabytes.toFixed(1)),
    'peak RSS MB': Math.round(r.rssMb),
  })),
);
clearInterval(sampler);
