import { formatLocal } from '../time.js';
import type { Interval, Tally } from './agent.js';
import { BucketCalendar, type Bucket } from './buckets.js';
import { intervalFeeds, REPORT_METRIC_TABLE, type MetricDefinition, type ReportMetrics } from './metrics.js';

/** One agent's metrics in one bucket. Fields: metrics.ts; definitions: docs/metrics.md. */
export type ReportRow = {
  agentArn: string;
  username: string | null;
  bucketStart: string;
  bucketEnd: string;
} & ReportMetrics & {
    statusSeconds: Record<string, number>;
    activitySeconds: Record<string, number>;
  };

export interface ReportOptions {
  zone: string;
  bucketMinutes: number;
  /** ms; intervals are clipped to [from, to) */
  from?: number;
  to?: number;
}

/** Where report time goes: fixed-size buckets in a zone (BucketCalendar), or any set of windows (reconcile). */
export interface Bucketing {
  /** the parts of [start, end) in each bucket */
  split(start: number, end: number): Iterable<[Bucket, number, number]>;
  /** the bucket holding the instant, or null when no bucket does */
  bucketOf(t: number): Bucket | null;
}

const METRICS: readonly MetricDefinition[] = REPORT_METRIC_TABLE;
const FIELD_INDEX = new Map(METRICS.map((m, i) => [m.field, i]));

/**
 * Per agent and bucket, the sums of the metrics, kept in integer milliseconds
 * (time) or units (counts), indexed as REPORT_METRIC_TABLE, so that totals add
 * up exactly.
 */
interface Accumulator {
  agentArn: string;
  start: number;
  end: number;
  sums: number[];
  statusMs: Map<string, number>;
  activityMs: Map<string, number>;
}

/** Which metrics each kind of interval feeds, worked out from the table once per kind. */
class MetricRouter {
  private readonly byInterval = new Map<string, number[]>();
  private readonly byTally = new Map<string, number[]>();

  forInterval(iv: Interval): number[] {
    const key = `${iv.dimension}\u0000${iv.statusType ?? ''}\u0000${iv.name}`;
    let slots = this.byInterval.get(key);
    if (!slots) {
      slots = [];
      METRICS.forEach((m, i) => {
        if ('intervals' in m.source && intervalFeeds(m.source.intervals, iv)) slots!.push(i);
      });
      this.byInterval.set(key, slots);
    }
    return slots;
  }

  forTally(kind: Tally['kind']): number[] {
    let slots = this.byTally.get(kind);
    if (!slots) {
      slots = [];
      METRICS.forEach((m, i) => {
        if ('tallies' in m.source && m.source.tallies === kind) slots!.push(i);
      });
      this.byTally.set(kind, slots);
    }
    return slots;
  }
}

/**
 * The interval report: per agent per bucket, intervals split at bucket edges.
 * Metrics as REPORT_METRIC_TABLE declares them (docs/metrics.md).
 */
export function buildReport(intervals: Iterable<Interval>, tallies: Iterable<Tally>, options: ReportOptions): ReportRow[] {
  return buildReportIn(new BucketCalendar(options.zone, options.bucketMinutes), intervals, tallies, options);
}

/** The report over any bucketing, e.g. the intervals of a GetMetricDataV2 response. */
export function buildReportIn(
  buckets: Bucketing,
  intervals: Iterable<Interval>,
  tallies: Iterable<Tally>,
  options: { zone: string; from?: number; to?: number },
): ReportRow[] {
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const rows = new Map<string, Accumulator>();
  const usernames = new Map<string, string | null>();
  const router = new MetricRouter();

  const row = (agentArn: string, bucket: Bucket): Accumulator => {
    const key = `${agentArn}\u0000${bucket.start}`;
    let acc = rows.get(key);
    if (!acc) {
      acc = { agentArn, start: bucket.start, end: bucket.end, sums: METRICS.map(() => 0), statusMs: new Map(), activityMs: new Map() };
      rows.set(key, acc);
    }
    return acc;
  };

  for (const iv of intervals) {
    if (iv.username) usernames.set(iv.agentArn, iv.username);
    const slots = router.forInterval(iv);
    const byName = iv.dimension === 'status' ? 'statusMs' : iv.dimension === 'activity' ? 'activityMs' : null;
    if (slots.length === 0 && byName === null) continue;
    const start = Math.max(iv.start, from);
    const end = Math.min(iv.end, to);
    for (const [bucket, s, e] of buckets.split(start, end)) {
      const acc = row(iv.agentArn, bucket);
      const ms = e - s;
      for (const i of slots) acc.sums[i]! += ms;
      if (byName) acc[byName].set(iv.name, (acc[byName].get(iv.name) ?? 0) + ms);
    }
  }
  for (const t of tallies) {
    if (t.at < from || t.at >= to) continue;
    const bucket = buckets.bucketOf(t.at);
    if (!bucket) continue;
    const acc = row(t.agentArn, bucket);
    for (const i of router.forTally(t.kind)) acc.sums[i]! += 1;
  }

  const name = (acc: Accumulator) => usernames.get(acc.agentArn) ?? null;
  return [...rows.values()]
    .sort((a, b) => a.start - b.start || (name(a) ?? '').localeCompare(name(b) ?? '') || a.agentArn.localeCompare(b.agentArn))
    .map((acc) => toRow(acc, name(acc), options.zone));
}

function secondsByName(map: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of [...map.keys()].sort()) out[name] = map.get(name)! / 1000;
  return out;
}

/** A metric's value from the sums: seconds from ms, counts as they are, ratios of other sums (4 decimals). */
function metricValue(m: MetricDefinition, sums: readonly number[]): number | null {
  const i = FIELD_INDEX.get(m.field)!;
  if ('ratio' in m.source) {
    const { numerator, denominator } = m.source.ratio;
    const over = denominator.reduce((total, f) => total + sums[FIELD_INDEX.get(f)!]!, 0);
    return over === 0 ? null : Math.round((sums[FIELD_INDEX.get(numerator)!]! / over) * 10_000) / 10_000;
  }
  return m.unit === 'seconds' ? sums[i]! / 1000 : sums[i]!;
}

function toRow(acc: Accumulator, username: string | null, zone: string): ReportRow {
  const row: Record<string, unknown> = {
    agentArn: acc.agentArn,
    username,
    bucketStart: formatLocal(acc.start, zone),
    bucketEnd: formatLocal(acc.end, zone),
  };
  for (const m of METRICS) row[m.field] = metricValue(m, acc.sums);
  row.statusSeconds = secondsByName(acc.statusMs);
  row.activitySeconds = secondsByName(acc.activityMs);
  return row as ReportRow;
}
