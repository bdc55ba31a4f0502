/**
 * The JSON shapes of the CLI's --json output and of the HTTP API (design.md
 * "The switchboard command"). Times are ISO-8601 UTC unless named *Local or
 * bucket*, which carry the configured zone's offset.
 */
// Types and constants only: the dashboard imports this module in the browser.
import type { ReportRow } from '../projectors/report.js';
import type { ContactRow, FunnelRow } from '../projectors/contacts.js';
import type { Alert } from '../alert.js';

export type { ReportRow, ContactRow, FunnelRow };
/** Alerts are part of the domain; the API shows them as they are. */
export { ALERT_KINDS, type Alert, type AlertKind } from '../alert.js';

/** The numeric fields of a report row, in the order of the API (CSV columns after agent and bucket). */
export const REPORT_METRICS = [
  'onlineSeconds',
  'idleSeconds',
  'nonProductiveSeconds',
  'onContactSeconds',
  'holdSeconds',
  'afterContactWorkSeconds',
  'errorSeconds',
  'holds',
  'contactsHandled',
] as const satisfies ReadonlyArray<keyof ReportRow>;

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
  rulesHash: string;
  /** projections were built with other rules: run `switchboard rebuild` */
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
 *  - projections: intervals or contacts changed; refetch report/contacts/funnel
 */
export type StreamMessage =
  | { type: 'snapshot'; data: { agents: AgentView[]; at: string } }
  | { type: 'agents'; data: AgentView[] }
  | { type: 'alerts'; data: Alert[] }
  | { type: 'projections'; data: { intervals: boolean; contacts: boolean; at: string } };
