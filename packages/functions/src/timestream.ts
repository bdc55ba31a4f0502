/**
 * Optional sink, on a schedule: the interval report of the buckets closed in
 * the look-back window, as Timestream MULTI-measure records. Off unless a
 * Timestream table is linked (Timestream for LiveAnalytics is closed to new
 * AWS customers since 2025-06-20).
 */
import { closedBucketReport } from '@switchboard/core';
import { count, instrument, logger } from './shared/observability.js';
import { runtime } from './shared/runtime.js';
import { reportRecords, writeRecords, type WriteOutcome } from './shared/timestream.js';

export const handler = instrument('timestream', async (): Promise<WriteOutcome & { from?: string; to?: string }> => {
  const rt = runtime();
  const target = rt.config.timestream;
  if (!target) {
    logger.info('Timestream sink not configured: nothing to do');
    return { records: 0, calls: 0, rejected: 0 };
  }
  const now = rt.now();
  const { from, to, rows } = await closedBucketReport(await rt.store.current(), rt.config.rules, now, target.lookbackMinutes * 60_000);
  const out = await writeRecords(rt.timestream, target, reportRecords(rows, rt.config.rules.bucketMinutes, now));
  count('TimestreamRecords', out.records - out.rejected);
  count('TimestreamRejected', out.rejected);
  return { ...out, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
});
