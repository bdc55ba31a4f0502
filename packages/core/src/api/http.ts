import type { Rules } from '../rules.js';
import type { AlertLedger, EventStore, ProjectionStore } from '../store/ports.js';
import { formatUtc } from '../time.js';
import { parseBucket, parseFlag, parseLimit, parseOffset, parseOutcome, parseTimeRange, parseZone, ParamError } from './params.js';
import {
  configView,
  eventNow,
  isStale,
  queryAgentPage,
  queryAgents,
  queryContacts,
  queryFunnel,
  queryIntervals,
  queryReport,
  queryReportView,
  UnknownAgentError,
  type EventClock,
} from './queries.js';
import { queryQueueIntervals, queryQueueNow } from './queues.js';
import { MAX_AGENT_PAGE, MAX_REPORT_PAGE, type HealthView } from './views.js';

export interface ApiContext {
  projections: ProjectionStore;
  events: Pick<EventStore, 'counts'>;
  alerts?: Pick<AlertLedger, 'recentAlerts'>;
  rules: Rules;
  /** event time vs wall clock, when the simulator runs faster than real time */
  clock?: EventClock;
  /** runtime figures added to /api/health */
  health?: () => Pick<HealthView, 'ingest' | 'memory'>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * The read-only JSON API shared by the local server and the AWS Lambda: same
 * shapes and filters as the CLI's --json. `/api/stream` is transport-specific
 * and handled by the servers.
 */
export async function handleApi(ctx: ApiContext, method: string, path: string, query: URLSearchParams): Promise<ApiResponse> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { error: 'the API is read-only: use GET' } };
  try {
    const range = () => parseTimeRange(query.get('from'), query.get('to'));
    const agent = query.get('agent') ?? undefined;
    const reportQuery = () => ({ ...range(), bucketMinutes: parseBucket(query.get('bucket')), zone: parseZone(query.get('tz')), closed: closedOnly(query) });
    switch (path.replace(/\/+$/, '')) {
      case '/api/agents': {
        const filter = { queue: text(query, 'queue'), routingProfile: text(query, 'routingProfile'), status: text(query, 'status') };
        const limit = parseLimit(query.get('limit'), MAX_AGENT_PAGE);
        const cursor = text(query, 'cursor');
        // without paging parameters: the whole list, as before paging existed
        if (limit === undefined && cursor === undefined) return ok(await queryAgents(ctx.projections, filter));
        return ok(await queryAgentPage(ctx.projections, { ...filter, limit: limit ?? MAX_AGENT_PAGE, cursor }));
      }
      case '/api/intervals':
        return ok(await queryIntervals(ctx.projections, { ...range(), agent }));
      case '/api/report':
        return ok(await queryReport(ctx.projections, ctx.rules, { ...reportQuery(), agent }));
      case '/api/report/view':
        return ok(
          await queryReportView(ctx.projections, ctx.rules, reportQuery(), {
            agent,
            offset: parseOffset(query.get('offset')),
            limit: parseLimit(query.get('limit'), MAX_REPORT_PAGE) ?? REPORT_VIEW_PAGE,
          }),
        );
      case '/api/contacts':
        return ok(await queryContacts(ctx.projections, { ...range(), outcome: parseOutcome(query.get('outcome')) }));
      case '/api/queues':
        return ok(await queryQueueIntervals(ctx.projections, ctx.rules, { ...range(), bucketMinutes: parseBucket(query.get('bucket')), queue: query.get('queue') || undefined }));
      case '/api/queues/now':
        return ok(await queryQueueNow(ctx.projections, ctx.rules, eventNow(ctx.clock), { queue: query.get('queue') || undefined }));
      case '/api/funnel':
        return ok(await queryFunnel(ctx.projections, range()));
      case '/api/config':
        return ok(await configView(ctx.projections, ctx.rules, ctx.clock));
      case '/api/alerts':
        return ok(ctx.alerts ? await ctx.alerts.recentAlerts(Number(query.get('limit') ?? 200) || 200) : []);
      case '/api/health': {
        const counts = await ctx.events.counts();
        const health: HealthView = {
          ok: true,
          events: counts.events,
          quarantined: counts.quarantined,
          lastEventAt: counts.lastEventAt === null ? null : formatUtc(counts.lastEventAt),
          stale: await isStale(ctx.projections, ctx.rules),
          ...ctx.health?.(),
        };
        return ok(health);
      }
      default:
        return { status: 404, body: { error: `no such endpoint: ${path}` } };
    }
  } catch (err) {
    if (err instanceof ParamError || err instanceof UnknownAgentError) return { status: 400, body: { error: err.message } };
    throw err;
  }
}

/** Rows in a page of the dashboard's report when the request does not say. */
const REPORT_VIEW_PAGE = 100;

/** `closed=1` counts closed intervals only; `open=0` says the same (before states going on were counted by default, `open=1` asked for them). */
function closedOnly(query: URLSearchParams): boolean {
  return parseFlag(query.get('closed')) ?? parseFlag(query.get('open')) === false;
}

function text(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) || undefined;
}

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}
