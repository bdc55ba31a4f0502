/**
 * The JSON shapes of the CLI's --json output and of the HTTP API (README,
 * "The switchboard command"; what each field means: docs/metrics.md). Times
 * are ISO-8601 UTC unless named *Local or bucket*, which carry the configured
 * zone's offset.
 */
// Types and constants only: the dashboard imports this module in the browser.
import type { ReportRow } from '../projectors/report.js';
import type { ContactRow, FunnelRow } from '../projectors/contacts.js';
import { REPORT_METRIC_TABLE as REPORT_METRIC_TABLE_ROWS, REPORT_METRICS, type ReportMetrics } from '../projectors/metrics.js';
import type { Alert } from '../alert.js';
import type { QueueIntervalRow } from '../projectors/queue-intervals.js';

export type { ReportRow, ContactRow, FunnelRow };
/** Alerts are part of the domain; the API shows them as they are. */
export { ALERT_KINDS, type Alert, type AlertKind } from '../alert.js';
export {
  REPORT_METRIC_TABLE,
  REPORT_METRICS,
  type MetricDefinition,
  type ReportMetricField,
  type ReportMetrics,
} from '../projectors/metrics.js';

export type ReportMetric = (typeof REPORT_METRICS)[number];

const metricDefinition = (field: string) => REPORT_METRIC_TABLE_ROWS.find((m) => m.field === field);

/** A report metric's column heading (dashboard and CLI tables), from the metric table. */
export function reportMetricLabel(field: string): string {
  return metricDefinition(field)?.label ?? field;
}

/** Whether a report metric is a time, a count or a ratio (0..1, or null where nothing divides), from the metric table. */
export const reportMetricUnit = (field: string): 'seconds' | 'count' | 'ratio' => metricDefinition(field)?.unit ?? 'count';

/** A report row's fields as CSV columns (statusSeconds/activitySeconds are spread after them). */
export const REPORT_CSV_COLUMNS = ['agentArn', 'username', 'bucketStart', 'bucketEnd', ...REPORT_METRICS] as const;

/** A contact row's fields, in the order of the API (CSV columns). */
export const CONTACT_FIELDS = [
  'contactId',
  'initialContactId',
  'channel',
  'initiationMethod',
  'startedAt',
  'startedAtLocal',
  'endedAt',
  'durationSeconds',
  'customerNumber',
  'customerNumberNational',
  'exitPoint',
  'completed',
  'outcome',
  'disconnectReason',
  'queueName',
  'queueSeconds',
  'agentUsername',
  'holdSeconds',
  'afterContactWorkSeconds',
  'lastUpdatedAt',
] as const satisfies ReadonlyArray<keyof ContactRow>;

export interface AgentView {
  agentArn: string;
  username: string | null;
  status: { name: string; type: string; since: string } | null;
  activity: { name: string; since: string } | null;
  contacts: Array<{ contactId: string; channel: string | null; state: string; since: string }>;
  loggedIn: boolean;
  lastEventAt: string | null;
}

/**
 * GET /api/agents with `limit` (and `cursor`): one page of the agents, in the
 * order of the full list (username, then ARN); `next` is the cursor of the
 * following page, null on the last one.
 */
export interface AgentPage {
  agents: AgentView[];
  next: string | null;
}

/** The most agents one page of GET /api/agents holds: about 0.4 KB of JSON each (2 MB a page), well below the 6 MB of a Lambda response. */
export const MAX_AGENT_PAGE = 5_000;

export interface IntervalView {
  agentArn: string;
  username: string | null;
  dimension: 'status' | 'activity' | 'contact';
  name: string;
  contactId: string | null;
  start: string;
  end: string;
  seconds: number;
}

/** Rules and facts the dashboard needs: GET /api/config. */
export interface ConfigView {
  timezone: string;
  bucketMinutes: number;
  phoneRegion: string | null;
  alerts: { holdSeconds?: number; afterContactWorkSeconds?: number; statusSeconds: Record<string, number> };
  /** names of the flow's exit points (rules flow.exitLabels), e.g. {"1-1": "Card lost: done"} */
  exitLabels: Record<string, string>;
  rulesHash: string;
  /** projections were built with other rules, or by another version of their definitions: run `switchboard rebuild` */
  stale: boolean;
  /**
   * Present when event time is not the wall clock (the simulator: at --speed
   * other than 1, and behind the wall clock by the time it took to fill in its
   * past): event time now = simulatedAt + (wall now - wallAt) * speed.
   */
  clock?: { wallAt: string; simulatedAt: string; speed: number };
}

export interface HealthView {
  ok: boolean;
  events: number;
  quarantined: number;
  lastEventAt: string | null;
  stale: boolean;
  /** local runtime only: from an event reaching the runtime to its projection being committed */
  ingest?: {
    batches: number;
    events: number;
    latencyMs: { p50: number; p99: number; max: number };
    /** the batches committed in the last minute alone */
    lastMinuteMs: { p50: number; p99: number; max: number; batches: number };
  };
  /** local runtime only: the process's memory */
  memory?: { rssMb: number; heapUsedMb: number };
}

/**
 * GET /api/stream (server-sent events). Each SSE message has `event:` set to
 * `type` and `data:` set to the JSON of `data`:
 *  - snapshot: every agent, sent once on connect
 *  - agents: agents whose state changed (batched, at most every 250 ms)
 *  - alerts: newly raised alerts
 *  - projections: intervals, contacts or queue contacts changed; refetch report/contacts/funnel/queues
 */
export type StreamMessage =
  | { type: 'snapshot'; data: { agents: AgentView[]; at: string } }
  | { type: 'agents'; data: AgentView[] }
  | { type: 'alerts'; data: Alert[] }
  | { type: 'projections'; data: { intervals: boolean; contacts: boolean; queueContacts?: boolean; at: string } };

/** A queue right now (GET /api/queues/now, `queues --now --json`); rates are fractions (× 100 for percent). */
export interface QueueNowView {
  instanceArn: string;
  queueArn: string | null;
  queueName: string | null;
  waiting: number;
  oldestWaitingSince: string | null;
  oldestWaitingSeconds: number | null;
  /** the queue's oldestWaitingAlertSeconds (null: none): the dashboard colours the oldest wait by it */
  oldestWaitingAlertSeconds: number | null;
  agentsOnContact: number;
  /** agents connected to the queue's contacts today: the dashboard's filter of the seat map */
  agentArns: string[];
  today: { date: string; queued: number; answered: number; abandoned: number; serviceLevel: Record<string, number | null> };
}

export interface QueuesNowView {
  at: string;
  /** contacts in an inbound flow (IVR), not queued yet */
  inFlow: number;
  queues: QueueNowView[];
}

/** A queue interval row (GET /api/queues, `queues --json`): bucket times in the configured zone, rates as fractions. */
export type QueueIntervalView = Omit<QueueIntervalRow, 'bucketStart' | 'bucketEnd'> & { bucketStart: string; bucketEnd: string };

/** The numeric fields of a queue interval row (CSV columns after queue, channel and bucket; serviceLevel is spread per threshold). */
export const QUEUE_INTERVAL_METRICS = [
  'contactsQueued',
  'contactsHandled',
  'contactsAbandoned',
  'abandonmentRate',
  'avgQueueAnswerSeconds',
  'avgHandleSeconds',
  'avgHoldSeconds',
  'avgAfterContactWorkSeconds',
] as const satisfies ReadonlyArray<keyof QueueIntervalView>;

/** The name a report row shows for its agent: the username, else the last part of the ARN. */
export const reportAgentName = (r: Pick<ReportRow, 'agentArn' | 'username'>): string => r.username ?? r.agentArn.split('/').pop() ?? r.agentArn;

const byName = new Intl.Collator(undefined, { numeric: true });

/** Agents as the report lists them: by name (agent2 before agent10), then ARN. */
export function compareReportAgents(a: { agentArn: string; name: string }, b: { agentArn: string; name: string }): number {
  return byName.compare(a.name, b.name) || (a.agentArn < b.agentArn ? -1 : a.agentArn > b.agentArn ? 1 : 0);
}


/** Sums of the time series the dashboard's chart stacks, over every agent of one bucket. */
export interface ReportBucketTotals {
  bucketStart: string;
  bucketEnd: string;
  onlineSeconds: number;
  onContactSeconds: number;
  idleSeconds: number;
  nonProductiveSeconds: number;
  /** the longest any one agent was online in the bucket: at least that much of it has passed */
  longestOnlineSeconds: number;
}

/**
 * What the dashboard's report shows for a range, built by the server so that
 * the browser receives one page of rows, not every row of a centre's day
 * (1,000 agents × 96 buckets): `GET /api/report/view`.
 */
export interface ReportView {
  /** every agent with a row in the range (whatever `agent` says), by name */
  agents: Array<{ agentArn: string; name: string }>;
  /** rows of the chosen agent (or all): agents as compareReportAgents orders them, each agent's buckets in time order */
  rowCount: number;
  offset: number;
  rows: ReportRow[];
  /** per bucket, in time order, over the chosen agent's rows (or all) */
  buckets: ReportBucketTotals[];
  /** over the chosen agent's rows (or all): sums, and ratios worked out from the sums they divide */
  totals: ReportMetrics;
}

export const MAX_REPORT_PAGE = 5_000;
