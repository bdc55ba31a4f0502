import { REPORT_METRIC_TABLE, type ReportMetrics } from '../projectors/metrics.js';
import type { ReportRow } from '../projectors/report.js';
import { compareReportAgents, reportAgentName, type ReportBucketTotals, type ReportView } from './views.js';

export interface ReportViewQuery {
  /** an agent's ARN or username: rows, buckets and totals of that agent only */
  agent?: string;
  offset: number;
  limit: number;
}

/** Sums of seconds are kept in whole ms, as the rows were made from: no floating-point residue in the totals. */
type Sums = Record<string, number>;
const SUMMED = REPORT_METRIC_TABLE.filter((m) => !('ratio' in m.source));
const ms = (seconds: number) => Math.round(seconds * 1000);
const asSummed = (unit: string, v: number): number => (unit === 'seconds' ? ms(v || 0) : v || 0);

/**
 * The dashboard's report from the rows of a range: the agents, one page of
 * rows in reading order, the centre's totals per bucket and over the range.
 * Pure: the servers feed it the report's rows, the dashboard's tests a fixture's.
 */
export function reportView(rows: Iterable<ReportRow>, query: ReportViewQuery): ReportView {
  const agents = new Map<string, string>();
  const chosen: ReportRow[] = [];
  const buckets = new Map<string, BucketSums>();
  const sums: Sums = {};
  for (const r of rows) {
    if (!agents.has(r.agentArn)) agents.set(r.agentArn, reportAgentName(r));
    if (query.agent && query.agent !== r.agentArn && query.agent !== r.username) continue;
    chosen.push(r);
    addToBucket(buckets, r);
    for (const m of SUMMED) sums[m.field] = (sums[m.field] ?? 0) + asSummed(m.unit, r[m.field as keyof ReportRow] as number);
  }
  const agentList = [...agents].map(([agentArn, name]) => ({ agentArn, name })).sort(compareReportAgents);
  // agent by agent, then in time: each agent's place and each bucket's time worked out once
  const rank = new Map(agentList.map((a, i) => [a.agentArn, i]));
  const ordered = chosen
    .map((r) => ({ r, rank: rank.get(r.agentArn)!, start: Date.parse(r.bucketStart) }))
    .sort((a, b) => a.rank - b.rank || a.start - b.start);
  const offset = Math.min(query.offset, ordered.length);
  return {
    agents: agentList,
    rowCount: ordered.length,
    offset,
    rows: ordered.slice(offset, offset + query.limit).map((o) => o.r),
    buckets: [...buckets.values()].sort((a, b) => Date.parse(a.bucketStart) - Date.parse(b.bucketStart)).map(bucketTotals),
    totals: totalsOf(sums),
  };
}

const CHARTED = ['onlineSeconds', 'onContactSeconds', 'idleSeconds', 'nonProductiveSeconds'] as const;

/** A bucket's sums in whole ms while adding up. */
type BucketSums = { bucketStart: string; bucketEnd: string; longestOnlineSeconds: number } & Record<(typeof CHARTED)[number], number>;

function addToBucket(buckets: Map<string, BucketSums>, r: ReportRow): void {
  let b = buckets.get(r.bucketStart);
  if (!b) {
    b = { bucketStart: r.bucketStart, bucketEnd: r.bucketEnd, onlineSeconds: 0, onContactSeconds: 0, idleSeconds: 0, nonProductiveSeconds: 0, longestOnlineSeconds: 0 };
    buckets.set(r.bucketStart, b);
  }
  for (const k of CHARTED) b[k] += ms(r[k]);
  b.longestOnlineSeconds = Math.max(b.longestOnlineSeconds, r.onlineSeconds);
}

function bucketTotals(b: BucketSums): ReportBucketTotals {
  const out = { ...b };
  for (const k of CHARTED) out[k] = b[k] / 1000;
  return out;
}

/** A ratio over a range is worked out from the range's sums of the fields it divides (not summed, not averaged), to 4 decimals as in a row. */
function totalsOf(sums: Sums): ReportMetrics {
  const totals: Record<string, number | null> = {};
  for (const m of REPORT_METRIC_TABLE) {
    if ('ratio' in m.source) {
      const over = m.source.ratio.denominator.reduce((s, f) => s + (sums[f] ?? 0), 0);
      totals[m.field] = over === 0 ? null : Math.round(((sums[m.source.ratio.numerator] ?? 0) / over) * 10_000) / 10_000;
    } else totals[m.field] = m.unit === 'seconds' ? (sums[m.field] ?? 0) / 1000 : (sums[m.field] ?? 0);
  }
  return totals as ReportMetrics;
}
