import { resolve } from 'node:path';
import type { Candidate, EventClock } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { CliError, dbPath, loadRules, openExistingStore, warnIfStale, type GlobalOptions } from '../context.js';
import { isLoopback } from '../server/auth.js';
import { startRuntime, type Runtime } from '../server/runtime.js';
import { tailKinesis } from '../sources/kinesis.js';
import { paceLive, payloadJson, simulate, type SimEvent } from '../simulator/index.js';

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

async function start(
  store: SqliteStore,
  options: ServeOptions,
  settings: ReturnType<typeof serverSettings>,
  watchStore: boolean,
  clock?: EventClock,
): Promise<Runtime> {
  const { rules } = loadRules(options);
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
  const settings = serverSettings(options); // usage errors first, before the store is looked for
  const store = openExistingStore(options);
  const runtime = await start(store, options, settings, true);
  process.stdout.write(`Switchboard dashboard: ${runtime.url}  (store ${dbPath(options)}; Ctrl+C to stop)\n`);
  await untilStopped(runtime, store);
}

export async function devCommand(options: DevOptions): Promise<void> {
  const tailing = Boolean(options.kinesisStream);
  // Simulated traffic goes to its own store, fresh each run, unless --db is given.
  const path = options.db ? dbPath(options) : tailing ? dbPath(options) : resolve(DEV_DB);
  if (!options.db && !tailing && !options.keep) {
    SqliteStore.remove(path);
  }
  const settings = serverSettings(options);
  const agents = positive('agents', options.agents, 25);
  const speed = positive('speed', options.speed, 1);
  const seed = options.seed === undefined ? Date.now() % 2 ** 31 : Number(options.seed);
  const store = SqliteStore.open(path);
  const wallStart = Date.now();
  const clock = !tailing && speed !== 1 ? { wallAt: wallStart, simulatedAt: wallStart, speed } : undefined;
  const runtime = await start(store, options, settings, false, clock);
  const abort = new AbortController();

  const source = tailing
    ? `tailing Kinesis stream ${options.kinesisStream}${options.endpoint ? ` at ${options.endpoint}` : ''}`
    : `${agents} simulated agents at ${speed}x`;
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
    : feedSimulator(runtime, { agents, speed, seed, origin: wallStart, signal: abort.signal });

  const fed = feeding.catch((err: Error) => {
    if (!abort.signal.aborted) process.stderr.write(`switchboard: ${tailing ? 'Kinesis tail' : 'simulator'} stopped: ${err.message}\n`);
  });
  await untilStopped(runtime, store, () => {
    abort.abort();
    return fed; // its last batch commits before the store closes
  });
}

/** Paces the simulator at wall-clock speed and ingests in small batches. */
async function feedSimulator(
  runtime: Runtime,
  options: { agents: number; speed: number; seed: number; origin: number; signal: AbortSignal },
): Promise<void> {
  const events = simulate({ agents: options.agents, seed: options.seed, hours: Infinity });
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
