/**
 * Connect's contact events: an EventBridge rule on the default bus (source
 * aws.connect, detail-type "Amazon Connect Contact Event") -> SQS queue ->
 * this function -> event table (stacks/contact-events.ts). Malformed events
 * are quarantined and count as processed; messages that could not be stored
 * now (throttling, timeouts) are reported as batch item failures, so that SQS
 * delivers only them again, and after repeated failures to the dead-letter
 * queue. Appends are idempotent: a redelivered event is a duplicate.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { expandEnvelope } from '@switchboard/core';
import { appendCandidates } from './shared/append.js';
import { instrument } from './shared/observability.js';

export const handler = instrument('contact-events', async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const candidates = event.Records.flatMap((record, i) => [...expandEnvelope(record, '', { origin: 'lambda', path: `Records[${i}]` })]);
  const failed = await appendCandidates(candidates, event.Records.length);
  const messageIds = new Set(failed.map((f) => f.candidate.source.messageId).filter((id): id is string => Boolean(id)));
  return { batchItemFailures: [...messageIds].map((itemIdentifier) => ({ itemIdentifier })) };
});
