import { formatLocal } from '../time.js';
import type { Interval, Tally } from './agent.js';
import { BucketCalendar, REPORT_SLOT_MS, type Bucket } from './buckets.js';
import { intervalFeeds, REPORT_METRIC_TABLE, type MetricDefinition, type ReportMetrics } from './metrics.js';

/** A kind of interval: what tells which report metrics it feeds. */
export type IntervalKind = Pick<Interval, 'dimension' | 'statusType' | 'name'>;

/** A kind of interval, or of tally (dimension 'tally', its kind as the name). */
export type ReportKind = IntervalKind | { dimension: 'tally'; name: Tally['kind']; statusType: null };

/**
 * One agent's intervals and tallies in one UTC 15-minute slot (REPORT_SLOT_MS),
 * summed: the time of the intervals within the slot by kind (ms) and the
 * tallies by kind (counts), and the username of the interval stored last
 * among those with time in the slot that give one (`usernameOrder`: its place
 * in storage order, to compare slots). Only kinds with time or tallies appear.
 */
export interface ReportTotals {
  agentArn: string;
  /** ms: the slot's start */
  slot: number;
  username: string | null;
  usernameOrder: number;
  /** [kind, amount, kind, amount, ...]: each kind an index in `kinds`, its amount ms or a count */
  amounts: readonly number[];
  /** shared by the rows of one read: the same kind is the same object */
  kinds: readonly ReportKind[];
}

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
  /** ms by status and activity name, at the fold's index of the name (undefined: no time) */
  named: Array<number | undefined>;
}

/** An agent's rows by bucket start, and the one last added to. */
interface AgentRows {
  agentArn: string;
  rows: Map<number, Accumulator>;
  last: Accumulator | null;
}

/** Which metrics each kind of interval feeds, worked out from the table once per kind. */
class MetricRouter {
  /** by dimension, status type and name: no key is built per interval */
  private readonly byInterval = new Map<string, Map<string | null, Map<string, number[]>>>();
  private readonly byTally = new Map<string, number[]>();

  forInterval(iv: IntervalKind): number[] {
    let byType = this.byInterval.get(iv.dimension);
    if (!byType) this.byInterval.set(iv.dimension, (byType = new Map()));
    let byName = byType.get(iv.statusType);
    if (!byName) byType.set(iv.statusType, (byName = new Map()));
    let slots = byName.get(iv.name);
    if (!slots) {
      slots = [];
      METRICS.forEach((m, i) => {
        if ('intervals' in m.source && intervalFeeds(m.source.intervals, iv)) slots!.push(i);
      });
      byName.set(iv.name, slots);
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
  const fold = new ReportFold(buckets, options);
  for (const iv of intervals) fold.addInterval(iv);
  for (const t of tallies) fold.addTally(t);
  return [...fold.rows()];
}

/**
 * The report built up one interval and tally at a time, so that they can be
 * read from a store without being held: only the sums per agent and bucket
 * are kept. Intervals first, then tallies; an agent's username is the last
 * one its intervals give. The rows come out one at a time, in order of bucket,
 * username and agent ARN (buildReport's order).
 */
export class ReportFold {
  private readonly from: number;
  private readonly to: number;
  /** by agent ARN, then bucket start */
  private readonly byAgent = new Map<string, AgentRows>();
  private lastAgent: AgentRows | null = null;
  private readonly usernames = new Map<string, string | null>();
  /** where the username of each agent comes from, when from slot totals: the latest in storage order wins */
  private readonly usernameOrders = new Map<string, number>();
  private readonly router = new MetricRouter();
  /** the names of the statuses and of the activities with time in some row, each with its index in every row's `named` */
  private readonly nameIndex = { statusMs: new Map<string, number>(), activityMs: new Map<string, number>() };

  constructor(
    private readonly buckets: Bucketing,
    private readonly options: { zone: string; from?: number; to?: number },
  ) {
    this.from = options.from ?? -Infinity;
    this.to = options.to ?? Infinity;
  }

  addInterval(iv: Interval): void {
    if (iv.username) this.usernames.set(iv.agentArn, iv.username);
    const slots = this.router.forInterval(iv);
    const byName = iv.dimension === 'status' ? 'statusMs' : iv.dimension === 'activity' ? 'activityMs' : null;
    if (slots.length === 0 && byName === null) return;
    const s = Math.max(iv.start, this.from);
    const e = Math.min(iv.end, this.to);
    if (!(s < e)) return;
    // most intervals lie within one bucket: no split
    const bucket = this.buckets.bucketOf(s);
    if (bucket && e <= bucket.end) return this.add(this.row(iv.agentArn, bucket), slots, byName, iv.name, e - s);
    for (const [b, bs, be] of this.buckets.split(s, e)) this.add(this.row(iv.agentArn, b), slots, byName, iv.name, be - bs);
  }

  private add(acc: Accumulator, slots: readonly number[], byName: 'statusMs' | 'activityMs' | null, name: string, ms: number): void {
    for (const i of slots) acc.sums[i]! += ms;
    if (!byName) return;
    const names = this.nameIndex[byName];
    let i = names.get(name);
    if (i === undefined) names.set(name, (i = this.nameIndex.statusMs.size + this.nameIndex.activityMs.size));
    acc.named[i] = (acc.named[i] ?? 0) + ms;
  }

  /**
   * An agent's intervals and tallies summed over a 15-minute slot (a store's
   * report totals), as if its intervals and tallies were added one by one:
   * before any single interval, and only over slots within [from, to).
   */
  addTotals(t: ReportTotals): void {
    if (t.username && t.usernameOrder > (this.usernameOrders.get(t.agentArn) ?? -Infinity)) {
      this.usernames.set(t.agentArn, t.username);
      this.usernameOrders.set(t.agentArn, t.usernameOrder);
    }
    const slotEnd = t.slot + REPORT_SLOT_MS;
    if (t.slot < this.from || slotEnd > this.to) throw new Error(`report totals: the slot at ${t.slot} is not within the report's range`);
    const bucket = this.buckets.bucketOf(t.slot);
    if (!bucket) return;
    if (bucket.start > t.slot || slotEnd > bucket.end) throw new Error(`report totals: the slot at ${t.slot} crosses a bucket edge`);
    const { amounts, kinds } = t;
    for (let i = 0; i < amounts.length; i += 2) {
      const kind = kinds[amounts[i]!]!;
      const amount = amounts[i + 1]!;
      if (kind.dimension === 'tally') {
        const acc = this.row(t.agentArn, bucket);
        for (const m of this.router.forTally(kind.name)) acc.sums[m]! += amount;
        continue;
      }
      const slots = this.router.forInterval(kind);
      const byName = kind.dimension === 'status' ? 'statusMs' : kind.dimension === 'activity' ? 'activityMs' : null;
      if (slots.length > 0 || byName !== null) this.add(this.row(t.agentArn, bucket), slots, byName, kind.name, amount);
    }
  }

  addTally(t: Tally): void {
    if (t.at < this.from || t.at >= this.to) return;
    const bucket = this.buckets.bucketOf(t.at);
    if (!bucket) return;
    const acc = this.row(t.agentArn, bucket);
    for (const i of this.router.forTally(t.kind)) acc.sums[i]! += 1;
  }

  /** The names of the statuses and of the activities with time in any row, each sorted (the report's CSV columns). */
  names(): { statuses: string[]; activities: string[] } {
    return { statuses: [...this.nameIndex.statusMs.keys()].sort(), activities: [...this.nameIndex.activityMs.keys()].sort() };
  }

  /** The rows, made one at a time as they are taken. */
  *rows(): Generator<ReportRow> {
    const name = (acc: Accumulator) => this.usernames.get(acc.agentArn) ?? null;
    // username and ARN are the agent's: their order is worked out once per agent, not once per pair of rows
    const agents = [...this.byAgent.keys()].map((agentArn) => ({ agentArn, name: this.usernames.get(agentArn) ?? '' }));
    agents.sort((a, b) => a.name.localeCompare(b.name) || a.agentArn.localeCompare(b.agentArn));
    // in order of bucket, then of agent: each bucket's rows gathered in the agents' order
    const byStart = new Map<number, Accumulator[]>();
    for (const { agentArn } of agents) {
      for (const acc of this.byAgent.get(agentArn)!.rows.values()) {
        const rows = byStart.get(acc.start);
        if (rows) rows.push(acc);
        else byStart.set(acc.start, [acc]);
      }
    }
    // the same few bucket times label thousands of rows
    const labels = new Map<number, string>();
    const label = (ms: number) => labels.get(ms) ?? labels.set(ms, formatLocal(ms, this.options.zone)).get(ms)!;
    // the names in order once, not sorted again for every row
    const { statuses, activities } = this.names();
    const statusIndexes = statuses.map((s) => this.nameIndex.statusMs.get(s)!);
    const activityIndexes = activities.map((a) => this.nameIndex.activityMs.get(a)!);
    for (const start of [...byStart.keys()].sort((a, b) => a - b)) {
      for (const acc of byStart.get(start)!) {
        yield toRow(acc, name(acc), label, secondsByName(acc, statuses, statusIndexes), secondsByName(acc, activities, activityIndexes));
      }
    }
  }

  private row(agentArn: string, bucket: Bucket): Accumulator {
    let agent = this.lastAgent?.agentArn === agentArn ? this.lastAgent : this.byAgent.get(agentArn);
    if (!agent) this.byAgent.set(agentArn, (agent = { agentArn, rows: new Map(), last: null }));
    this.lastAgent = agent;
    // an agent's intervals come in about the order of time: mostly in the bucket of the one before
    if (agent.last?.start === bucket.start) return agent.last;
    let acc = agent.rows.get(bucket.start);
    if (!acc) {
      acc = { agentArn, start: bucket.start, end: bucket.end, sums: METRICS.map(() => 0), named: [] };
      agent.rows.set(bucket.start, acc);
    }
    agent.last = acc;
    return acc;
  }

}

/** The row's seconds by name, in the order of `names` (sorted; `indexes`: where each is in `named`). */
function secondsByName(acc: Accumulator, names: readonly string[], indexes: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    const ms = acc.named[indexes[i]!];
    if (ms !== undefined) out[names[i]!] = ms / 1000;
  }
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

function toRow(
  acc: Accumulator,
  username: string | null,
  label: (ms: number) => string,
  statusSeconds: Record<string, number>,
  activitySeconds: Record<string, number>,
): ReportRow {
  const row: Record<string, unknown> = {
    agentArn: acc.agentArn,
    username,
    bucketStart: label(acc.start),
    bucketEnd: label(acc.end),
  };
  for (const m of METRICS) row[m.field] = metricValue(m, acc.sums);
  row.statusSeconds = statusSeconds;
  row.activitySeconds = activitySeconds;
  return row as ReportRow;
}
