/**
 * The interval report's metrics, declared once: which intervals or tallies
 * feed each field, and the Amazon Connect metric of the same meaning. The
 * report (report.ts), its row type and CSV columns (api/views.ts), the CLI's
 * table, the dashboard's columns and `switchboard reconcile` are all derived
 * from this table. Definitions in words, and where they differ from
 * Connect's: docs/metrics.md. Browser-safe: data and types only.
 */
import { ON_CONTACT_ACTIVITIES } from './activity.js';

type StatusType = 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';

/**
 * Intervals of one dimension that feed a time metric: every condition given
 * must hold (status type during the interval; name, i.e. status name,
 * activity or contact state).
 */
export interface IntervalFeed {
  readonly dimension: 'status' | 'activity' | 'contact';
  readonly statusTypes?: readonly StatusType[];
  readonly names?: readonly string[];
  readonly exceptNames?: readonly string[];
}

export type MetricSource =
  | { readonly intervals: IntervalFeed }
  | { readonly tallies: 'hold' | 'handled' | 'nonResponse' }
  /** numerator / sum of the denominator fields, null when that sum is 0 */
  | { readonly ratio: { readonly numerator: string; readonly denominator: readonly string[] } };

/**
 * How `reconcile` can hold the field against Connect's value: per interval;
 * only as a total over the whole file (Connect puts the value of a contact
 * record in one interval, Switchboard splits it as it happens); or not at all.
 */
export type Comparability = 'interval' | 'total' | 'none';

export interface MetricDefinition {
  /** the report row's field: JSON key and CSV column */
  readonly field: string;
  /** column heading (dashboard, CLI table) */
  readonly label: string;
  readonly unit: 'seconds' | 'count' | 'ratio';
  readonly source: MetricSource;
  /** GetMetricDataV2 identifier of Connect's metric of the same meaning, null when Connect has none */
  readonly connect: string | null;
  readonly comparable: Comparability;
  /** why it is not comparable per interval, when it is not */
  readonly caveat?: string;
}

const ON_CONTACT = [...ON_CONTACT_ACTIVITIES];

const AS_IT_HAPPENS =
  'Switchboard places this time in the buckets where it happens (agent events); Connect puts the contact record’s whole duration in the interval of the contact, so only totals compare';

/** In the order of the API's fields and the CSV columns. */
export const REPORT_METRIC_TABLE = [
  {
    field: 'onlineSeconds',
    label: 'Online',
    unit: 'seconds',
    source: { intervals: { dimension: 'status', statusTypes: ['ROUTABLE', 'CUSTOM'] } },
    connect: 'SUM_ONLINE_TIME_AGENT',
    comparable: 'interval',
  },
  {
    field: 'idleSeconds',
    label: 'Idle',
    unit: 'seconds',
    source: { intervals: { dimension: 'activity', statusTypes: ['ROUTABLE'], exceptNames: ON_CONTACT } },
    connect: 'SUM_IDLE_TIME_AGENT',
    comparable: 'interval',
  },
  {
    field: 'nonProductiveSeconds',
    label: 'Non-productive',
    unit: 'seconds',
    source: { intervals: { dimension: 'status', statusTypes: ['CUSTOM'] } },
    connect: 'SUM_NON_PRODUCTIVE_TIME_AGENT',
    comparable: 'interval',
  },
  {
    field: 'onContactSeconds',
    label: 'On contact',
    unit: 'seconds',
    source: { intervals: { dimension: 'activity', statusTypes: ['ROUTABLE'], names: ON_CONTACT } },
    connect: 'SUM_CONTACT_TIME_AGENT',
    comparable: 'interval',
  },
  {
    field: 'holdSeconds',
    label: 'Hold',
    unit: 'seconds',
    source: { intervals: { dimension: 'contact', names: ['CONNECTED_ONHOLD'] } },
    connect: 'SUM_HOLD_TIME',
    comparable: 'total',
    caveat: AS_IT_HAPPENS,
  },
  {
    field: 'afterContactWorkSeconds',
    label: 'ACW',
    unit: 'seconds',
    source: { intervals: { dimension: 'contact', names: ['ENDED'] } },
    connect: 'SUM_AFTER_CONTACT_WORK_TIME',
    comparable: 'total',
    caveat: AS_IT_HAPPENS,
  },
  {
    field: 'errorSeconds',
    label: 'Error',
    unit: 'seconds',
    source: { intervals: { dimension: 'activity', names: ['Error'] } },
    connect: 'SUM_ERROR_STATUS_TIME_AGENT',
    comparable: 'interval',
  },
  {
    field: 'holds',
    label: 'Holds',
    unit: 'count',
    source: { tallies: 'hold' },
    connect: null,
    comparable: 'none',
    caveat:
      'Switchboard counts holds as they start; Connect counts contacts put on hold (CONTACTS_PUT_ON_HOLD) or averages holds per contact record (AVG_HOLDS), at disconnect',
  },
  {
    field: 'contactsHandled',
    label: 'Contacts handled',
    unit: 'count',
    source: { tallies: 'handled' },
    connect: 'CONTACTS_HANDLED',
    comparable: 'interval',
  },
  {
    field: 'agentNonResponse',
    label: 'Non-response',
    unit: 'count',
    source: { tallies: 'nonResponse' },
    connect: 'AGENT_NON_RESPONSE',
    comparable: 'interval',
  },
  {
    field: 'occupancy',
    label: 'Occupancy',
    unit: 'ratio',
    source: { ratio: { numerator: 'onContactSeconds', denominator: ['onContactSeconds', 'idleSeconds'] } },
    connect: 'AGENT_OCCUPANCY',
    comparable: 'interval',
  },
] as const satisfies readonly MetricDefinition[];

type Table = (typeof REPORT_METRIC_TABLE)[number];

/** The numeric fields of a report row, in the table's order. */
export type ReportMetricField = Table['field'];

/** A report row's metrics: seconds and counts are numbers, ratios a number or null. */
export type ReportMetrics = { [M in Table as M['field']]: M['unit'] extends 'ratio' ? number | null : number };

/** The numeric fields of a report row, in the order of the API (CSV columns after agent and bucket). */
export const REPORT_METRICS: readonly ReportMetricField[] = REPORT_METRIC_TABLE.map((m) => m.field);

/** Whether an interval feeds the metric (its dimension, status type and name). */
export function intervalFeeds(
  feed: IntervalFeed,
  interval: { dimension: string; name: string; statusType: string | null },
): boolean {
  if (interval.dimension !== feed.dimension) return false;
  if (feed.statusTypes && !(feed.statusTypes as readonly string[]).includes(interval.statusType ?? '')) return false;
  if (feed.names && !feed.names.includes(interval.name)) return false;
  if (feed.exceptNames && feed.exceptNames.includes(interval.name)) return false;
  return true;
}
