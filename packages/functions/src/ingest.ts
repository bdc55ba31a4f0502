/**
 * Kinesis -> event table. Agent events and contact records (or both on one
 * stream). Malformed records are quarantined and count as processed; records
 * that could not be stored now (throttling, timeouts) are reported with
 * ReportBatchItemFailures so that only they, and the records after them, come
 * again. Appends are idempotent, so a redelivered record is a duplicate.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { expandEnvelope, ingestCandidates } from '@switchboard/core';
import { count, instrument, logger } from './shared/observability.js';
import { runtime } from './shared/runtime.js';

export const handler = instrument('ingest', async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  const rt = runtime();
  const candidates = event.Records.flatMap((record, i) => [...expandEnvelope(record, '', { origin: 'lambda', path: `Records[${i}]` })]);
  const { summary, failed } = await ingestCandidates(rt.store, candidates, rt.now());

  for (const e of summary.errors) logger.warn('record quarantined', e);
  for (const f of failed) logger.warn('record not stored, will be retried', { source: f.candidate.source, error: String(f.error) });
  count('EventsAppended', summary.appended);
  count('EventsDuplicate', summary.duplicates);
  count('RecordsQuarantined', summary.rejected);
  count('RecordsRetried', failed.length);
  logger.info('batch ingested', { records: event.Records.length, ...summary, errors: undefined, failed: failed.length });

  const sequenceNumbers = new Set(failed.map((f) => f.candidate.source.sequenceNumber).filter((s): s is string => Boolean(s)));
  return { batchItemFailures: [...sequenceNumbers].map((itemIdentifier) => ({ itemIdentifier })) };
});
