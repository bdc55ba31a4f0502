import { queryReport } from '../api/queries.js';
import { BucketCalendar } from '../projectors/buckets.js';
import type { ReportRow } from '../projectors/report.js';
import type { Rules } from '../rules.js';
import type { ProjectionStore } from '../store/ports.js';

/**
 * The interval report of the buckets that closed in the `lookbackMs` before
 * `now` (bucket edges in the rules' zone). Rows can still change after their
 * bucket closed: an interval is stored when it ends, so a sink should upsert
 * (Timestream: a higher Version) and look back far enough.
 */
export async function closedBucketReport(
  projections: ProjectionStore,
  rules: Rules,
  now: number,
  lookbackMs: number,
): Promise<{ from: number; to: number; rows: ReportRow[] }> {
  const calendar = new BucketCalendar(rules.timezone, rules.bucketMinutes);
  const to = calendar.bucketOf(now).start;
  const from = calendar.bucketOf(now - lookbackMs).start;
  if (!(from < to)) return { from, to, rows: [] };
  // closed intervals only: the sink writes buckets once they are over and upserts later corrections
  return { from, to, rows: await queryReport(projections, rules, { from, to, closed: true }) };
}
