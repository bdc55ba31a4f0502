/** The server-sent-events stream (GET /api/stream) and the first agent fetch. */
import { getJson, streamUrl } from './api.js';
import { setServerTime } from './clock.js';
import { agentStore, alertStore, connection, projections } from './store.js';
import type { AgentView, Alert, StreamMessage } from './types.js';

type Data<T extends StreamMessage['type']> = Extract<StreamMessage, { type: T }>['data'];

function parse<T>(e: Event): T | undefined {
  try {
    return JSON.parse((e as MessageEvent<string>).data) as T;
  } catch {
    return undefined;
  }
}

let source: EventSource | null = null;
let retryMs = 1000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
const snapshotListeners = new Set<() => void>();

/** Called after each snapshot (a fresh connection): e.g. refetch config. */
export function onSnapshot(fn: () => void): () => void {
  snapshotListeners.add(fn);
  return () => snapshotListeners.delete(fn);
}

function connect(): void {
  clearTimeout(retryTimer);
  source?.close();
  connection.set('connecting', connection.error);
  const es = new EventSource(streamUrl());
  source = es;

  es.onopen = () => {
    retryMs = 1000;
    connection.set('open');
  };
  es.onerror = () => {
    if (source !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      // the browser gave up (HTTP error, wrong content type): retry ourselves
      connection.set('down', 'live updates disconnected');
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15_000);
    } else {
      connection.set('down', 'live updates disconnected, reconnecting');
    }
  };
  es.addEventListener('snapshot', (e) => {
    const d = parse<Data<'snapshot'>>(e);
    if (!d) return;
    setServerTime(d.at);
    agentStore.snapshot(Array.isArray(d.agents) ? d.agents : []);
    connection.set('open');
    for (const fn of snapshotListeners) fn();
  });
  es.addEventListener('agents', (e) => {
    const d = parse<AgentView[]>(e);
    if (Array.isArray(d)) agentStore.update(d);
  });
  es.addEventListener('alerts', (e) => {
    const d = parse<Alert[]>(e);
    if (Array.isArray(d)) alertStore.add(d);
  });
  es.addEventListener('projections', (e) => {
    const d = parse<Data<'projections'>>(e);
    if (!d) return;
    setServerTime(d.at);
    projections.emit({ intervals: !!d.intervals, contacts: !!d.contacts });
  });
}

let started = false;

export function startLive(): void {
  if (started) return;
  started = true;
  connect();
  // The stream's snapshot is authoritative; this fetch shows agents even if
  // the stream is slow or unavailable (merge() ignores it after a snapshot).
  getJson<AgentView[]>('/api/agents')
    .then((list) => {
      if (Array.isArray(list)) agentStore.merge(list);
    })
    .catch(() => {
      /* the banner reports connection problems */
    });
}
