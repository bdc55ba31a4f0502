/** The server-sent-events stream (GET /api/stream) and the first agent fetch. */
import { getAllAgents, getJson, streamUrl } from './api.js';
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
    loadRecentAlerts();
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
    projections.emit({ intervals: !!d.intervals, contacts: !!d.contacts, queueContacts: !!d.queueContacts });
  });
}

/** Alerts raised before the page was opened (GET /api/alerts; optional endpoint). */
function loadRecentAlerts(): void {
  getJson<Alert[]>('/api/alerts', { limit: '50' })
    .then((list) => {
      if (Array.isArray(list)) alertStore.add([...list].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)));
    })
    .catch(() => {
      /* older servers have no /api/alerts */
    });
}

/** While the stream is down (or the API has none), poll the agents instead. */
const POLL_MS = 5_000; // in AWS there is no /api/stream: this is how the seat map stays current
let pollTimer: ReturnType<typeof setTimeout> | undefined;

const streamOpen = () => connection.state === 'open';

function schedulePoll(): void {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    if (streamOpen()) return;
    try {
      const list = await getAllAgents();
      if (!streamOpen() && Array.isArray(list)) agentStore.poll(list);
    } catch {
      /* the banner already says we are disconnected */
    }
    schedulePoll();
  }, POLL_MS);
}

let started = false;

export function startLive(): void {
  if (started) return;
  started = true;
  connection.subscribe(() => {
    if (connection.state === 'down') {
      if (pollTimer === undefined) schedulePoll();
    } else if (connection.state === 'open') {
      clearTimeout(pollTimer);
      pollTimer = undefined;
    }
  });
  connect();
  // The stream's snapshot is authoritative; this fetch shows agents even if
  // the stream is slow or unavailable (merge() ignores it after a snapshot).
  getAllAgents()
    .then((list) => {
      if (Array.isArray(list)) agentStore.merge(list);
    })
    .catch(() => {
      /* the banner reports connection problems */
    });
}
