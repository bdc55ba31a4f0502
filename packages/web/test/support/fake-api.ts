/**
 * A stand-in for the Switchboard HTTP server (design.md "HTTP API"), enough
 * for the dashboard tests: serves packages/web/dist at / and canned JSON at
 * /api/*, and pushes server-sent events on /api/stream (views.ts contract).
 * The dashboard tests only need `url` and the push methods of
 * `DashboardBackend`; a real-server backend can implement the same interface.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AgentView, Alert, ConfigView, ContactRow, FunnelRow, HealthView, ReportRow, StreamMessage } from '../../../core/src/api/views.js';
import { reportView } from '../../../core/src/api/report-view.js';
import { DIST } from './build.js';
import { CONFIG, contactRows, funnelRows, reportRows, seatMapAgents } from './fixtures.js';

/** What the dashboard tests need from a backend, fake or real. */
export interface DashboardBackend {
  /** origin serving the dashboard at / and the API at /api */
  url: string;
  /** make these agent states current and announce them (`agents` message) */
  pushAgents(agents: AgentView[]): void;
  /** announce alerts (`alerts` message) */
  pushAlerts(alerts: Alert[]): void;
  close(): Promise<void>;
}

export interface FakeApiOptions {
  config?: Partial<ConfigView>;
  agents?: AgentView[];
  contacts?: ContactRow[];
  funnel?: FunnelRow[];
  report?: (q: { bucket: string; from: number; to: number; zone: string }) => ReportRow[];
  /** require `Authorization: Bearer <token>` (or ?token= on the stream) */
  token?: string;
  /** what /api/health says the last event was (default: now) */
  lastEventAt?: string | null;
  distDir?: string;
}

export interface FakeApi extends DashboardBackend {
  config: ConfigView;
  agents: Map<string, AgentView>;
  contacts: ContactRow[];
  funnel: FunnelRow[];
  /** what GET /api/alerts answers (alerts raised before the page opened) */
  recentAlerts: Alert[];
  /** request paths with query, in order */
  requests: string[];
  /** headers of the API requests, in order */
  authHeaders: Array<string | undefined>;
  pushProjections(change: { intervals: boolean; contacts: boolean }): void;
  /** replace agent state without telling the stream (as if an update was missed) */
  setAgentsSilently(agents: AgentView[]): void;
  /** close every stream; refuse new ones (HTTP 503) for `refuseMs` */
  dropStreams(refuseMs?: number): void;
  streamClients(): number;
}

/** Contacts started in [from, to) of the query, as the API filters them. */
function startedWithin(contacts: ContactRow[], url: URL): ContactRow[] {
  const from = Date.parse(url.searchParams.get('from') ?? '');
  const to = Date.parse(url.searchParams.get('to') ?? '');
  return contacts.filter((c) => {
    const t = Date.parse(c.startedAt);
    return !(t < from) && !(t >= to);
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const distDir = options.distDir ?? DIST;
  const config: ConfigView = { ...CONFIG, ...options.config };
  const agents = new Map((options.agents ?? seatMapAgents()).map((a) => [a.agentArn, a]));
  const contacts = options.contacts ?? contactRows(config.timezone);
  const funnel = options.funnel ?? funnelRows(contacts);
  const report = options.report ?? ((q) => reportRows([...agents.values()], q));
  const recentAlerts: Alert[] = [];
  const streams = new Set<ServerResponse>();
  const requests: string[] = [];
  const authHeaders: Array<string | undefined> = [];
  let refuseUntil = 0;

  const send = (res: ServerResponse, msg: StreamMessage) => res.write(`event: ${msg.type}\ndata: ${JSON.stringify(msg.data)}\n\n`);
  const broadcast = (msg: StreamMessage) => {
    for (const s of streams) send(s, msg);
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body));
  };

  const api = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method === 'OPTIONS') {
      // CORS preflight: the dashboard may be served from another origin (window.SWITCHBOARD_API)
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'authorization, accept',
        'access-control-allow-methods': 'GET, OPTIONS',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    requests.push(url.pathname + url.search);
    authHeaders.push(req.headers.authorization);
    if (options.token) {
      const ok =
        req.headers.authorization === `Bearer ${options.token}` ||
        (url.pathname === '/api/stream' && url.searchParams.get('token') === options.token);
      if (!ok) return json(res, 401, { error: 'unauthorized' });
    }
    switch (url.pathname) {
      case '/api/config':
        return json(res, 200, config);
      case '/api/health': {
        const lastEventAt = options.lastEventAt === undefined ? new Date().toISOString() : options.lastEventAt;
        const h: HealthView = { ok: true, events: 12345, quarantined: 2, lastEventAt, stale: config.stale };
        return json(res, 200, h);
      }
      case '/api/agents':
        return json(res, 200, [...agents.values()]);
      case '/api/report':
      case '/api/report/view': {
        const bucket = url.searchParams.get('bucket') ?? `${config.bucketMinutes}m`;
        if (!['15m', '30m', '1h', '1d'].includes(bucket)) return json(res, 400, { error: `bad bucket ${bucket}` });
        const zone = url.searchParams.get('tz') ?? config.timezone;
        const day = 86_400_000;
        const from = Date.parse(url.searchParams.get('from') ?? '') || Math.floor(Date.now() / day) * day;
        const to = Date.parse(url.searchParams.get('to') ?? '') || from + day;
        const rows = report({ bucket, from, to, zone });
        const agent = url.searchParams.get('agent') || undefined;
        if (url.pathname === '/api/report') return json(res, 200, agent ? rows.filter((r) => r.agentArn === agent || r.username === agent) : rows);
        // the server's own shaping of the dashboard's page (core, pure); pages of at most 100 rows
        // here, fewer than the dashboard asks for, so that the CSV download reads several
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 100));
        return json(res, 200, reportView(rows, { agent, offset, limit }));
      }
      case '/api/contacts': {
        const outcome = url.searchParams.get('outcome');
        return json(res, 200, startedWithin(contacts, url).filter((c) => !outcome || c.outcome === outcome));
      }
      case '/api/funnel':
        // the canned funnel for the whole store; a window is counted from the contacts, as the server does
        return json(res, 200, url.searchParams.has('from') || url.searchParams.has('to') ? funnelRows(startedWithin(contacts, url)) : funnel);
      // queues are tested against the real server (test/cli/dashboard-queues.test.ts)
      case '/api/queues/now':
        return json(res, 200, { at: new Date().toISOString(), inFlow: 0, queues: [] });
      case '/api/queues':
        return json(res, 200, []);
      case '/api/alerts':
        return json(res, 200, recentAlerts);
      case '/api/stream': {
        if (Date.now() < refuseUntil) return json(res, 503, { error: 'unavailable' });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'access-control-allow-origin': '*' });
        res.write('retry: 500\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        send(res, { type: 'snapshot', data: { agents: [...agents.values()], at: new Date().toISOString() } });
        return;
      }
      default:
        return json(res, 404, { error: 'not found' });
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) return api(req, res, url);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(distDir, rel));
    if (!file.startsWith(normalize(distDir))) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    config,
    agents,
    contacts,
    funnel,
    recentAlerts,
    requests,
    authHeaders,
    pushAgents(list) {
      for (const a of list) agents.set(a.agentArn, a);
      broadcast({ type: 'agents', data: list });
    },
    pushAlerts(alerts) {
      broadcast({ type: 'alerts', data: alerts });
    },
    pushProjections(change) {
      broadcast({ type: 'projections', data: { ...change, at: new Date().toISOString() } });
    },
    setAgentsSilently(list) {
      for (const a of list) agents.set(a.agentArn, a);
    },
    dropStreams(refuseMs = 0) {
      refuseUntil = Date.now() + refuseMs;
      for (const s of streams) s.end();
      streams.clear();
    },
    streamClients: () => streams.size,
    async close() {
      for (const s of streams) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
