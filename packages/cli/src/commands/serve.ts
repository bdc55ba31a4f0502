import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Engine, type Candidate, type EventClock, type Rules } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { CliError, dbPath, loadRules, openStore, warnIfStale, type GlobalOptions } from '../context.js';
import { isLoopback } from '../server/auth.js';
import { startRuntime, type Runtime } from '../server/runtime.js';
import { tailKinesis } from '../sources/kinesis.js';
import { LIVE_LEAD_MS, paceLive, payloadJson, simulate, splitAtOrigin, type SimEvent } from '../simulator/index.js';

/**
 * SQLite's page cache for the runtime: it writes batches of a few hundred
 * events, so a bulk ingest's 64 MB bought no latency (measured at 2,000
 * agents and 10x: event-to-projection alike at 8 and 64 MB) and cost 50 MB of
 * RSS.
 */
const RUNTIME_CACHE_MB = 8;

/**
 * The runtime keeps about 40 MB of live JS objects at 2,000 agents, but what
 * it promotes (objects that live a second or more, e.g. the simulator's
 * snapshots) is garbage soon after, and V8, sized for the machine's memory,
 * let the old generation grow to four or five times the live set between
 * full collections (RSS 400 MB). Growing it by at most 2x after each
 * collection keeps it near 100 MB. Set for the long-running commands only: a
 * bulk ingest or rebuild gains from the default.
 */
function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}

export interface ServeOptions extends GlobalOptions {
  port?: string;
  host?: string;
  token?: string;
}

export interface DevOptions extends ServeOptions {
  agents?: string;
  speed?: string;
  seed?: string;
  kinesisStream?: string;
  endpoint?: string;
  region?: string;
  keep?: boolean;
}

export const DEV_DB = '.switchboard/dev.db';

function serverSettings(options: ServeOptions): { host: string; port: number; token?: string } {
  const host = options.host ?? '127.0.0.1';
  const port = Number(options.port ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number (got "${options.port}")`, 2);
  const token = options.token || process.env.SWITCHBOARD_TOKEN || undefined;
  if (!isLoopback(host) && !token) {
    throw new CliError(`refusing to listen on ${host} without authentication: pass --token (or set SWITCHBOARD_TOKEN)`, 2);
  }
  return { host, port, token };
}

function positive(name: string, value: string | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be a positive number (got "${value}")`, 2);
  return n;
}

async function start(store: SqliteStore, options: ServeOptions, watchStore: boolean, clock?: EventClock): Promise<Runtime> {
  const { rules } = loadRules(options);
  const settings = serverSettings(options);
  await warnIfStale(store, rules);
  try {
    return await startRuntime({ store, rules, ...settings, watchStore, clock });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${settings.port} is already in use: pass --port`);
    if (code === 'EACCES') throw new CliError(`not allowed to listen on ${settings.host}:${settings.port}`);
    throw err;
  }
}

/** Waits for Ctrl+C or SIGTERM, then stops the source first and closes the store last. */
function untilStopped(runtime: Runtime, store: SqliteStore, onStop?: () => Promise<unknown>): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      Promise.resolve(onStop?.())
        .catch(() => undefined)
        .then(() => runtime.close())
        .catch(() => undefined)
        .finally(() => {
          store.close();
          done();
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  boundHeapGrowth();
  const store = openStore(options, { cacheMb: RUNTIME_CACHE_MB });
  const runtime = await start(store, options, true);
  process.stdout.write(`Switchboard dashboard: ${runtime.url}  (store ${dbPath(options)}; Ctrl+C to stop)\n`);
  await untilStopped(runtime, store);
}

export async function devCommand(options: DevOptions): Promise<void> {
  boundHeapGrowth();
  const tailing = Boolean(options.kinesisStream);
  // Simulated traffic goes to its own store, fresh each run, unless --db is given.
  const path = options.db ? dbPath(options) : tailing ? dbPath(options) : resolve(DEV_DB);
  if (!options.db && !tailing && !options.keep) {
    SqliteStore.remove(path);
  }
  const agents = positive('agents', options.agents, 25);
  const speed = positive('speed', options.speed, 1);
  const seed = options.seed === undefined ? Date.now() % 2 ** 31 : Number(options.seed);
  const store = SqliteStore.open(path, { cacheMb: RUNTIME_CACHE_MB });
  const simulation = tailing ? null : await fillInSimulation(store, loadRules(options).rules, { agents, seed });
  // the simulated clock starts once its past is in the store
  const clock = simulation ? { wallAt: Date.now(), simulatedAt: simulation.origin, speed } : undefined;
  const runtime = await start(store, options, false, clock);
  const abort = new AbortController();

  const source = tailing
    ? `tailing Kinesis stream ${options.kinesisStream}${options.endpoint ? ` at ${options.endpoint}` : ''}`
    : `${agents} simulated agents at ${speed}x (the last ${LIVE_LEAD_MS / 60_000} minutes filled in: ${simulation!.filledIn} events)`;
  process.stdout.write(`Switchboard is live: ${runtime.url}\n  ${source}; store ${path}\n  Ctrl+C to stop\n`);

  const feeding = tailing
    ? tailKinesis({
        streamName: options.kinesisStream!,
        endpoint: options.endpoint,
        region: options.region,
        signal: abort.signal,
        checkpoints: store.settingsWithPrefix(`kinesis.${options.kinesisStream}.`),
        onBatch: async (candidates, checkpoint) => {
          const arrivedAt = Date.now();
          await runtime.engine.ingestBatch(candidates);
          runtime.latency.record(arrivedAt, candidates.length);
          store.setSetting(`kinesis.${options.kinesisStream}.${checkpoint.shardId}`, checkpoint.sequenceNumber);
        },
      })
    : feedSimulator(runtime, simulation!.live, {
        speed,
        // pacing starts a little after the clock did: at the simulated instant the clock shows now
        origin: clock!.simulatedAt + (Date.now() - clock!.wallAt) * speed,
        signal: abort.signal,
      });

  const fed = feeding.catch((err: Error) => {
    if (!abort.signal.aborted) process.stderr.write(`switchboard: ${tailing ? 'Kinesis tail' : 'simulator'} stopped: ${err.message}\n`);
  });
  await untilStopped(runtime, store, () => {
    abort.abort();
    return fed; // its last batch commits before the store closes
  });
}

/**
 * Starts the live simulation LIVE_LEAD_MS in the past, so that the centre is
 * already busy, and ingests that past as history, in the large batches of a
 * bulk ingest, before anything goes live. Delivered at once as live traffic,
 * those events (28,000 at 2,000 agents) queued up in front of the live ones for
 * seconds and were all in memory at the same time.
 */
async function fillInSimulation(
  store: SqliteStore,
  rules: Rules,
  options: { agents: number; seed: number },
): Promise<{ origin: number; filledIn: number; live: Iterable<SimEvent> }> {
  const origin = Date.now();
  const events = simulate({ agents: options.agents, seed: options.seed, hours: Infinity, start: origin - LIVE_LEAD_MS });
  const { past, live } = splitAtOrigin(events, origin);
  const summary = await new Engine(store, rules).ingest(
    (function* () {
      for (const event of past) yield toCandidate(event);
    })(),
  );
  return { origin, filledIn: summary.read, live };
}

/** Paces the simulation at wall-clock speed and ingests in small batches. */
async function feedSimulator(runtime: Runtime, events: Iterable<SimEvent>, options: { speed: number; origin: number; signal: AbortSignal }): Promise<void> {
  let batch: Candidate[] = [];
  let firstArrival = 0;
  let flushing: Promise<unknown> = Promise.resolve();
  const flush = () => {
    if (batch.length === 0) return;
    const candidates = batch;
    const arrivedAt = firstArrival;
    batch = [];
    flushing = flushing.then(async () => {
      await runtime.engine.ingestBatch(candidates);
      runtime.latency.record(arrivedAt, candidates.length);
    });
  };
  const timer = setInterval(flush, 100);
  try {
    for await (const event of paceLive(events, { speed: options.speed, origin: options.origin, signal: options.signal })) {
      if (batch.length === 0) firstArrival = Date.now();
      batch.push(toCandidate(event));
      if (batch.length >= 500) flush();
    }
  } finally {
    clearInterval(timer);
    flush();
    await flushing;
  }
}

export function toCandidate(event: SimEvent): Candidate {
  return { ok: true, value: event.payload, raw: payloadJson(event), source: { origin: 'simulator', partitionKey: event.partitionKey } };
}
