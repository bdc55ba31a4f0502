/**
 * Kinesis -> event table. Agent events and contact records (or both on one
 * stream). Malformed records are quarantined and count as processed; records
 * that could not be stored now (throttling, timeouts) are reported with
 * ReportBatchItemFailures so that only they, and the records after them, come
 * again. Appends are idempotent, so a redelivered record is a duplicate.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { expandEnvelope } from '@switchboard/core';
import { appendCandidates } from './shared/append.js';
import { instrument } from './shared/observability.js';

export const handler = instrument('ingest', async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  const candidates = event.Records.flatMap((record, i) => [...expandEnvelope(record, '', { origin: 'lambda', path: `Records[${i}]` })]);
  const failed = await appendCandidates(candidates, event.Records.length);
  const sequenceNumbers = new Set(failed.map((f) => f.candidate.source.sequenceNumber).filter((s): s is string => Boolean(s)));
  return { batchItemFailures: [...sequenceNumbers].map((itemIdentifier) => ({ itemIdentifier })) };
});
