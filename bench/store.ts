/**
 * Embedded-store throughput: ingest of N simulated events (agent events and
 * contact records) into SQLite with projections up to date, then a rebuild of
 * the same store, each in its own process so peak RSS is its own. Baseline in
 * the same run: reading the same file and JSON.parse of every line, before,
 * between and after the two (each phase is compared with the two around it). Ingest
 * runs as `switchboard ingest` does (parsing on the worker thread that
 * `npm run build` bundles; --inline true parses on the main thread instead).
 *
 *   npm run bench:store [-- --events 1000000 --agents 400 --runs 1 --batch 500 --commit 10000]
 *
 * One phase alone, e.g. the parsing thread with nothing stored (its ceiling for ingest):
 *   node scripts/run-ts.mjs bench/store.ts --worker parse --file node_modules/.bench/data/sim-1000000-400.jsonl --db unused
 * or an ingest into a new store that keeps only some projections (`--projections ''`: events appended, none projected):
 *   node scripts/run-ts.mjs bench/store.ts --worker ingest --file F --db /tmp/new.db --projections agents,contacts
 * With RUN_TS_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" each thread writes a CPU profile; bench/cpu-top.mjs lists its heaviest functions.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine, FILE_BATCH, FILE_COMMIT_EVERY, ingestFiles, parseInWorker, parseRules, PROJECTIONS, readInput, rebuildProjections } from '../packages/core/src/index.js';
import { REBUILD_CACHE_MB, SqliteStore } from '../packages/core/src/store/sqlite/index.js';
import { simulate, writeSimulation } from '../packages/cli/src/simulator/index.js';
import { argsOf, fmt, machine, median } from './machine.js';

const args = argsOf(process.argv);
const rules = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' });
const PARSE_WORKER = new URL('../packages/cli/dist/parse-worker.mjs', import.meta.url);

interface Measure {
  events: number;
  seconds: number;
  maxRssMb: number;
  /** CPU seconds in user and kernel mode: how much of the wall time was computing */
  userSeconds: number;
  systemSeconds: number;
}

async function worker(mode: string, file: string, db: string): Promise<Measure> {
  const started = performance.now();
  let events = 0;
  if (mode === 'baseline') {
    for await (const c of readInput(createReadStream(file, { highWaterMark: 1 << 20 }), file)) if (c.ok) events++;
  } else if (mode === 'parse') {
    // the parsing thread alone (read, split, JSON.parse, validate), nothing stored: its ceiling for ingest
    for await (const b of parseInWorker([file], { workerUrl: PARSE_WORKER, batchSize: Number(args.get('batch') ?? FILE_BATCH) })) events += b.batch.read;
  } else if (mode === 'ingest') {
    const store = SqliteStore.open(db);
    // as `switchboard ingest` does it: parsing on the CLI's worker thread (built by `npm run build`)
    const only = args.get('projections');
    const planOptions = only === undefined ? {} : { projections: PROJECTIONS.filter((p) => only.split(',').includes(p.name)) };
    const summary = await ingestFiles(new Engine(store, rules, {}, Date.now, planOptions), [file], {
      batchSize: Number(args.get('batch') ?? FILE_BATCH),
      commitEvery: Number(args.get('commit') ?? FILE_COMMIT_EVERY),
      parseWorker: args.get('inline') === 'true' ? undefined : PARSE_WORKER,
    });
    events = summary.read;
    store.close();
  } else {
    // as `switchboard rebuild` opens it
    const store = SqliteStore.open(db, { cacheMb: REBUILD_CACHE_MB });
    events = (await rebuildProjections(store, rules)).events;
    store.close();
  }
  const usage = process.resourceUsage();
  return {
    events,
    seconds: (performance.now() - started) / 1000,
    maxRssMb: Math.round(usage.maxRSS / 1024),
    userSeconds: usage.userCPUTime / 1e6,
    systemSeconds: usage.systemCPUTime / 1e6,
  };
}

function run(mode: string, file: string, db: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const runner = fileURLToPath(new URL('../scripts/run-ts.mjs', import.meta.url));
  const passed = ['batch', 'commit', 'inline'].flatMap((k) => (args.has(k) ? [`--${k}`, args.get(k)!] : []));
  const r = spawnSync(process.execPath, [runner, self, '--worker', mode, '--file', file, '--db', db, ...passed], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${mode} worker failed`);
  return JSON.parse(r.stdout) as Measure;
}

async function main(): Promise<void> {
  const events = Number(args.get('events') ?? 1_000_000);
  const agents = Number(args.get('agents') ?? 400);
  const runs = Number(args.get('runs') ?? 1);
  const dir = `${process.cwd()}/node_modules/.bench/data/`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}sim-${events}-${agents}.jsonl`;
  if (!existsSync(file)) {
    process.stderr.write(`generating ${fmt(events)} events to ${file} ...\n`);
    const all = simulate({ agents, hours: Infinity, seed: 11 });
    await writeSimulation((function* () {
      for (let i = 0; i < events; i++) yield all.next().value!;
    })(), file);
  }
  const db = `${dir}bench.db`;
  const rate = (m: Measure) => m.events / m.seconds;
  // The machine's speed drifts over minutes; a baseline on each side of a phase
  // (their mean) follows it better than one taken before both phases.
  const around = (a: Measure, b: Measure) => (a.events + b.events) / (a.seconds + b.seconds);
  const results: Array<{ baselines: Measure[]; ingest: Measure; rebuild: Measure; ingestRatio: number; rebuildRatio: number }> = [];
  for (let i = 0; i < runs; i++) {
    SqliteStore.remove(db);
    const before = run('baseline', file, db);
    const ingest = run('ingest', file, db);
    const between = run('baseline', file, db);
    const rebuild = run('rebuild', file, db);
    const after = run('baseline', file, db);
    const r = { baselines: [before, between, after], ingest, rebuild, ingestRatio: rate(ingest) / around(before, between), rebuildRatio: rate(rebuild) / around(between, after) };
    results.push(r);
    const cpu = (m: Measure) => `${m.seconds.toFixed(0)} s wall, ${m.userSeconds.toFixed(0)} s user, ${m.systemSeconds.toFixed(0)} s system`;
    process.stderr.write(
      `run ${i + 1}: read + parse ${r.baselines.map((b) => fmt(rate(b))).join(' / ')} events/s (before, between, after); ` +
        `ingest ${fmt(rate(ingest))}/s (${cpu(ingest)}), ${r.ingestRatio.toFixed(3)} of its baselines; ` +
        `rebuild ${fmt(rate(rebuild))}/s (${cpu(rebuild)}), ${r.rebuildRatio.toFixed(3)}\n`,
    );
  }
  const med = (k: 'ingest' | 'rebuild') => median(results.map((r) => rate(r[k])));
  const out = {
    bench: 'store',
    date: new Date().toISOString(),
    machine: machine(),
    events: results[0]!.ingest.events,
    fileMb: Math.round(statSync(file).size / 2 ** 20),
    dbMb: Math.round(statSync(db).size / 2 ** 20),
    payloadLogMb: Math.round(readdirSync(`${db}-payloads`).reduce((n, f) => n + statSync(`${db}-payloads/${f}`).size, 0) / 2 ** 20),
    runs,
    baselineReadParseEventsPerSecond: Math.round(median(results.flatMap((r) => r.baselines.map(rate)))),
    ingestEventsPerSecond: Math.round(med('ingest')),
    rebuildEventsPerSecond: Math.round(med('rebuild')),
    ingestPeakRssMb: Math.max(...results.map((r) => r.ingest.maxRssMb)),
    rebuildPeakRssMb: Math.max(...results.map((r) => r.rebuild.maxRssMb)),
    // the median of each run's ratio to the baselines around it
    ingestVsBaseline: Number(median(results.map((r) => r.ingestRatio)).toFixed(3)),
    rebuildVsBaseline: Number(median(results.map((r) => r.rebuildRatio)).toFixed(3)),
  };
  console.log(JSON.stringify(out, null, 2));
}

if (args.get('worker')) {
  console.log(JSON.stringify(await worker(args.get('worker')!, args.get('file')!, args.get('db')!)));
} else {
  await main();
}
