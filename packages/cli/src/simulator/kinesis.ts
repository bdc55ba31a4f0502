import { setTimeout as delay } from 'node:timers/promises';
import type { SimEvent } from './engine.js';
import { payloadJson } from './json.js';

export interface PutOptions {
  /** the stream's name (not its ARN: kinesalite accepts only names) */
  streamName: string;
  /** e.g. http://127.0.0.1:4567 for kinesalite; default: the AWS endpoint of the region */
  endpoint?: string;
  /** default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1 */
  region?: string;
  /** default: the SDK's chain; with an endpoint and no AWS_ACCESS_KEY_ID, dummy keys */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** attempts per record before giving up; default 10 */
  maxAttempts?: number;
  /** first back-off after throttling, doubled per attempt (with jitter, capped at 5 s); default 100 ms */
  retryBaseMs?: number;
  signal?: AbortSignal;
  /** called after each accepted batch with the running total */
  onProgress?: (recordsPut: number) => void;
}

export interface PutResult {
  records: number;
  requests: number;
  /** record puts repeated after throttling or an internal failure */
  retried: number;
}

/** PutRecords limits: 500 records and 5 MiB per request. */
const MAX_RECORDS = 500;
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
const MAX_BACKOFF_MS = 5_000;
const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'LimitExceededException', 'KMSThrottlingException']);

interface Entry {
  data: Uint8Array;
  key: string;
}

/**
 * Puts events on a Kinesis data stream with PutRecords, up to 500 per request,
 * one request at a time. Records that come back with an ErrorCode (throttling,
 * internal failure) are sent again after an exponential back-off; a record
 * that still fails after `maxAttempts` fails the whole call. The AWS SDK is
 * loaded on first use.
 */
export async function putToKinesis(events: Iterable<SimEvent> | AsyncIterable<SimEvent>, options: PutOptions): Promise<PutResult> {
  if (!options.streamName) throw new RangeError('putToKinesis: streamName is required');
  const { KinesisClient, PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const config: ConstructorParameters<typeof KinesisClient>[0] = { region };
  if (options.endpoint) {
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    config.endpoint = options.endpoint;
    // kinesalite and similar local servers speak HTTP/1.1 only.
    config.requestHandler = new NodeHttpHandler();
    config.credentials = options.credentials ?? (process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: 'local', secretAccessKey: 'local' });
  } else if (options.credentials) {
    config.credentials = options.credentials;
  }
  const client = new KinesisClient(config);
  const maxAttempts = options.maxAttempts ?? 10;
  const base = options.retryBaseMs ?? 100;
  const result: PutResult = { records: 0, requests: 0, retried: 0 };

  const backoff = (attempt: number): Promise<void> => {
    const ms = Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
    return delay(ms / 2 + Math.random() * (ms / 2), undefined, options.signal ? { signal: options.signal } : undefined);
  };

  const send = async (batch: Entry[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      let failed: Entry[] = [];
      let reason = '';
      try {
        result.requests++;
        const out = await client.send(
          new PutRecordsCommand({
            StreamName: options.streamName,
            Records: pending.map((e) => ({ Data: e.data, PartitionKey: e.key })),
          }),
          options.signal ? { abortSignal: options.signal } : {},
        );
        if (out.FailedRecordCount) {
          failed = pending.filter((_, i) => out.Records?.[i]?.ErrorCode);
          reason = out.Records?.find((r) => r.ErrorCode)?.ErrorCode ?? 'unknown error';
        }
      } catch (err) {
        const name = (err as { name?: string }).name ?? '';
        if (!THROTTLING.has(name)) throw err;
        failed = pending;
        reason = name;
      }
      result.records += pending.length - failed.length;
      if (failed.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new Error(`putToKinesis: ${failed.length} records still failing after ${maxAttempts} attempts (${reason})`);
      }
      result.retried += failed.length;
      pending = failed;
      await backoff(attempt);
    }
  };

  try {
    let batch: Entry[] = [];
    let bytes = 0;
    for await (const e of events) {
      const data = Buffer.from(payloadJson(e));
      const size = data.length + Buffer.byteLength(e.partitionKey);
      if (batch.length === MAX_RECORDS || (batch.length > 0 && bytes + size > MAX_REQUEST_BYTES)) {
        await send(batch);
        options.onProgress?.(result.records);
        batch = [];
        bytes = 0;
      }
      batch.push({ data, key: e.partitionKey });
      bytes += size;
    }
    if (batch.length > 0) {
      await send(batch);
      options.onProgress?.(result.records);
    }
  } finally {
    client.destroy();
  }
  return result;
}
