/**
 * Kinesis -> event table. Agent events and contact records (or both on one
 * stream). Malformed records are quarantined and count as processed; records
 * that could not be stored now (throttling, timeouts) are reported with
 * ReportBatchItemFailures so that only they, and the records after them, come
 * again; a record that keeps failing by itself is parked in the dead-letter
 * queue with its reason (shared/ingest-batch.ts). Appends are idempotent, so a
 * redelivered record is a duplicate.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { count, instrument, logger } from './shared/observability.js';
import { ingestKinesisBatch } from './shared/ingest-batch.js';
import { runtime } from './shared/runtime.js';

export const handler = instrument('ingest', async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  const { summary, parked, batchItemFailures } = await ingestKinesisBatch(runtime(), event.Records);
  count('EventsAppended', summary.appended);
  count('EventsDuplicate', summary.duplicates);
  count('RecordsQuarantined', summary.rejected);
  count('RecordsRetried', batchItemFailures.length);
  logger.info('batch ingested', { records: event.Records.length, ...summary, errors: undefined, parked, retried: batchItemFailures.length });
  return { batchItemFailures };
});
