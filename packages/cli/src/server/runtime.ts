import { allProjectionsChanged, Engine, queryAgents, type AgentView, type EventClock, type Rules } from '@switchboard/core';
import type { SqliteStore } from '@switchboard/core/sqlite';
import { startHttpServer } from './http.js';
import { StreamHub } from './hub.js';
import { LatencyStats } from './latency.js';

export interface RuntimeOptions {
  store: SqliteStore;
  rules: Rules;
  host: string;
  port: number;
  token?: string;
  webRoot?: string;
  /** how often holds, ACW and statuses in progress are checked against thresholds */
  sweepMs?: number;
  /** watch the store for changes made by other processes (serve) */
  watchStore?: boolean;
  /** event time vs wall clock when the simulator runs faster than real time */
  clock?: EventClock;
}

export interface Runtime {
  url: string;
  engine: Engine;
  hub: StreamHub;
  latency: LatencyStats;
  close(): Promise<void>;
}

/** Engine + HTTP server + server push + alert sweep over one SQLite store. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { store, rules } = options;
  const hub = new StreamHub(() => queryAgents(store));
  const latency = new LatencyStats();
  const engine = new Engine(store, rules, {
    agents: (states) => hub.agents(states),
    alerts: (alerts) => hub.alerts(alerts),
    projections: (changed) => hub.projections(changed),
  });
  // what the store held before any dashboard could connect: the watcher pushes changes from there
  const storeAtStart = options.watchStore ? await foreignWriteBaseline(store) : undefined;
  const http = await startHttpServer({
    host: options.host,
    port: options.port,
    token: options.token,
    webRoot: options.webRoot,
    hub,
    api: { projections: store, events: store, alerts: store, rules, clock: options.clock, health: () => ({ ingest: latency.summary(), memory: memory() }) },
  });

  const timers: NodeJS.Timeout[] = [];
  const eventNow = () => {
    const c = options.clock;
    return c ? c.simulatedAt + (Date.now() - c.wallAt) * c.speed : Date.now();
  };
  const sweep = setInterval(() => {
    engine.sweep(eventNow()).catch((err: Error) => process.stderr.write(`switchboard: alert sweep failed: ${err.message}\n`));
  }, options.sweepMs ?? 5_000);
  timers.push(sweep);

  if (options.watchStore) timers.push(watchForeignWrites(store, hub, storeAtStart!));

  return {
    url: http.url,
    engine,
    hub,
    latency,
    close: async () => {
      for (const t of timers) clearInterval(t);
      await http.close();
    },
  };
}

function memory(): { rssMb: number; heapUsedMb: number } {
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 2 ** 20), heapUsedMb: Math.round(m.heapUsed / 2 ** 20) };
}

/**
 * Another process (e.g. `switchboard ingest`) may write the store: push what
 * changed since the runtime started (a dashboard gets the state before that in
 * its snapshot when it connects).
 */
function watchForeignWrites(store: SqliteStore, hub: StreamHub, start: ForeignWriteBaseline): NodeJS.Timeout {
  let lastVersion = start.version;
  let known = start.views;
  let busy = false;
  return setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const version = store.foreignChanges();
      if (version === lastVersion) return;
      lastVersion = version;
      const views: AgentView[] = await queryAgents(store);
      const next = viewsByAgent(views);
      const changed = views.filter((v) => known.get(v.agentArn) !== next.get(v.agentArn));
      known = next;
      if (changed.length > 0) hub.agentViews(changed);
      hub.projections(allProjectionsChanged());
    } catch (err) {
      process.stderr.write(`switchboard: watching the store failed: ${(err as Error).message}\n`);
    } finally {
      busy = false;
    }
  }, 1_000);
}

interface ForeignWriteBaseline {
  version: number;
  views: Map<string, string>;
}

async function foreignWriteBaseline(store: SqliteStore): Promise<ForeignWriteBaseline> {
  return { version: store.foreignChanges(), views: viewsByAgent(await queryAgents(store)) };
}

function viewsByAgent(views: readonly AgentView[]): Map<string, string> {
  return new Map(views.map((v) => [v.agentArn, JSON.stringify(v)]));
}
