/**
 * One Kinesis batch into the event table, and the handler's side of the event
 * source mapping's failure path. Malformed records are quarantined (never
 * retried). A record that could not be stored is reported as a batch item
 * failure, and Lambda retries from the lowest one reported, unless it failed
 * by itself PARK_AFTER_ATTEMPTS times (attempts counted in the ledger): then
 * it is parked in the dead-letter queue with its reason and data, counted as
 * done, and its shard moves on. Transient failures (throttling, timeouts,
 * service errors) are retried without counting: they hold the shard up (the
 * iterator-age alarm tells) but never park good records. Records held back
 * only because an earlier one of the same agent failed are not counted
 * either. An error no record is blamed for is narrowed down by storing the
 * records one at a time.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { addSummary, emptySummary, expandEnvelope, ingestCandidates, type IngestSummary } from '@switchboard/core';
import { HeldBackError } from '@switchboard/core/dynamodb';
import { count, logger } from './observability.js';
import type { Runtime } from './runtime.js';

/** A record that failed by itself this many times is parked. */
export const PARK_AFTER_ATTEMPTS = 3;

/** What a dead-letter message carries: `record` is the Kinesis record as Lambda delivered it (a redrive sends `{"Records":[record, …]}`). */
export interface DeadLetter {
  reason: string;
  attempts: number;
  parkedAt: string;
  record: KinesisStreamRecord;
}

interface Failure {
  record: KinesisStreamRecord;
  error: unknown;
}

export interface BatchOutcome extends KinesisStreamBatchResponse {
  summary: IngestSummary;
  parked: number;
}

export async function ingestKinesisBatch(rt: Runtime, records: readonly KinesisStreamRecord[]): Promise<BatchOutcome> {
  const { summary, failures } = await storeRecords(rt, records);
  const parked = await parkPoisonRecords(rt, failures);
  const retry = failures.filter((f) => !parked.has(f));
  for (const f of retry) logger.warn('record not stored, will be retried', { sequenceNumber: f.record.kinesis.sequenceNumber, error: describe(f.error) });
  const sequenceNumbers = new Set(retry.map((f) => f.record.kinesis.sequenceNumber));
  return { summary, parked: parked.size, batchItemFailures: [...sequenceNumbers].map((itemIdentifier) => ({ itemIdentifier })) };
}

async function storeRecords(rt: Runtime, records: readonly KinesisStreamRecord[]): Promise<{ summary: IngestSummary; failures: Failure[] }> {
  const entries = records.map((record, index) => ({ record, index }));
  try {
    return await storeTogether(rt, entries);
  } catch (err) {
    logger.warn('batch failed as a whole: storing its records one at a time', { error: describe(err) });
    const summary = emptySummary();
    const failures: Failure[] = [];
    for (const entry of entries) {
      try {
        const one = await storeTogether(rt, [entry]);
        addSummary(summary, one.summary);
        failures.push(...one.failures);
      } catch (error) {
        failures.push({ record: entry.record, error });
      }
    }
    return { summary, failures };
  }
}

async function storeTogether(rt: Runtime, entries: ReadonlyArray<{ record: KinesisStreamRecord; index: number }>): Promise<{ summary: IngestSummary; failures: Failure[] }> {
  const candidates = entries.flatMap(({ record, index }) => [...expandEnvelope(record, '', { origin: 'lambda', path: `Records[${index}]` })]);
  const { summary, failed } = await ingestCandidates(rt.store, candidates, rt.now());
  const bySequence = new Map(entries.map(({ record }) => [record.kinesis.sequenceNumber, record]));
  const failures = new Map<KinesisStreamRecord, Failure>();
  for (const f of failed) {
    // a failure that names no record of this batch retries the whole batch
    const record = bySequence.get(f.candidate.source.sequenceNumber ?? '') ?? entries[0]!.record;
    const seen = failures.get(record);
    // the record's own failure outranks "held back"
    if (!seen || (seen.error instanceof HeldBackError && !(f.error instanceof HeldBackError))) failures.set(record, { record, error: f.error });
  }
  for (const e of summary.errors) logger.warn('record quarantined', e);
  return { summary, failures: [...failures.values()] };
}

/** Counts the failures that are the records' own; parks those that reached the limit. Returns the failures parked. */
async function parkPoisonRecords(rt: Runtime, failures: readonly Failure[]): Promise<Set<Failure>> {
  const parked = new Set<Failure>();
  const own = failures.filter((f) => !(f.error instanceof HeldBackError) && !isTransient(f.error));
  if (own.length === 0) return parked;
  let attempts: Map<string, number>;
  try {
    attempts = await rt.attempts.record(own.map((f) => ({ key: recordKey(f.record), reason: describe(f.error) })));
  } catch (err) {
    logger.warn('could not count failed attempts: the records are retried', { error: describe(err) });
    return parked;
  }
  for (const f of own) {
    const n = attempts.get(recordKey(f.record)) ?? 0;
    if (n < PARK_AFTER_ATTEMPTS) continue;
    const queueUrl = rt.config.deadLetterQueueUrl;
    if (!queueUrl) {
      logger.error('record keeps failing and no dead-letter queue is linked: retried', { sequenceNumber: f.record.kinesis.sequenceNumber, attempts: n });
      continue;
    }
    const letter: DeadLetter = { reason: describe(f.error), attempts: n, parkedAt: new Date(rt.now()).toISOString(), record: f.record };
    try {
      await rt.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(letter) }));
      parked.add(f);
      logger.error('record parked in the dead-letter queue', { sequenceNumber: f.record.kinesis.sequenceNumber, eventSourceARN: f.record.eventSourceARN, reason: letter.reason, attempts: n });
    } catch (err) {
      logger.warn('could not park the record: it is retried', { sequenceNumber: f.record.kinesis.sequenceNumber, error: describe(err) });
    }
  }
  count('RecordsParked', parked.size);
  return parked;
}

/** A record is the same record on every delivery: its stream, shard and sequence number. */
function recordKey(record: KinesisStreamRecord): string {
  return `${record.eventSourceARN}|${record.eventID}`;
}

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

/** Throttling, timeouts, 5xx and dropped connections: worth retrying for as long as the mapping keeps the record. */
function isTransient(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $fault?: string; $retryable?: unknown } | null;
  if (!e) return false;
  return TRANSIENT.has(e.name ?? '') || e.$fault === 'server' || Boolean(e.$retryable) || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'].includes(e.code ?? '');
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
