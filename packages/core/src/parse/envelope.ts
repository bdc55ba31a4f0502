import type { SourceRef } from '../model.js';

/** One Connect payload found inside an input, before validation. */
export type Candidate =
  /** bytes: the UTF-8 of `raw` when the reader has them already (a whole input line) */
  | { ok: true; value: unknown; raw: string; bytes?: Uint8Array; source: SourceRef }
  | { ok: false; reason: string; raw: string; source: SourceRef };

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A Kinesis record as Lambda nests it ({kinesis:{data,...}}) or as EventBridge Pipes flattens it. */
function kinesisPart(v: Obj): Obj | null {
  if (isObject(v.kinesis) && 'data' in v.kinesis) return v.kinesis;
  if ('data' in v && ('sequenceNumber' in v || 'kinesisSchemaVersion' in v || v.eventSource === 'aws:kinesis')) return v;
  return null;
}

function streamName(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const i = arn.lastIndexOf(':stream/');
  return i >= 0 ? arn.slice(i + ':stream/'.length) : arn;
}

/** An SQS message as Lambda delivers it (EventBridge puts the event JSON in `body`). */
const isSqsRecord = (v: Obj): boolean => typeof v.body === 'string' && (v.eventSource === 'aws:sqs' || typeof v.messageId === 'string');

function fromSqs(record: Obj, base: SourceRef, path: string): Candidate {
  const source: SourceRef = { ...base, path: base.path ? `${base.path}${path}` : path };
  if (typeof record.messageId === 'string') source.messageId = record.messageId;
  const queue = typeof record.eventSourceARN === 'string' ? record.eventSourceARN.slice(record.eventSourceARN.lastIndexOf(':') + 1) : undefined;
  if (queue && base.origin === 'lambda') source.origin = queue;
  const body = record.body as string;
  try {
    return { ok: true, value: JSON.parse(body), raw: body, source };
  } catch (err) {
    return { ok: false, reason: `${source.path || '(record)'}.body: not valid JSON (${(err as Error).message})`, raw: body, source };
  }
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeKinesisData(data: unknown): { ok: true; value: unknown; raw: string } | { ok: false; reason: string; raw: string } {
  if (isObject(data) || Array.isArray(data)) return { ok: true, value: data, raw: JSON.stringify(data) };
  if (typeof data !== 'string') return { ok: false, reason: 'data: expected a base64 string', raw: String(data) };
  const bytes = Buffer.from(data, 'base64');
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'data: not valid UTF-8 after base64 decoding', raw: data };
  }
  try {
    return { ok: true, value: JSON.parse(text), raw: text };
  } catch (err) {
    return { ok: false, reason: `data: not valid JSON after base64 decoding (${(err as Error).message})`, raw: text };
  }
}

function fromKinesis(record: Obj, k: Obj, base: SourceRef, path: string): Candidate {
  const eventId = typeof record.eventID === 'string' ? record.eventID : undefined;
  const seq = typeof k.sequenceNumber === 'string' ? k.sequenceNumber : undefined;
  const source: SourceRef = {
    ...base,
    path: base.path ? `${base.path}${path}` : path,
    sequenceNumber: seq,
    partitionKey: typeof k.partitionKey === 'string' ? k.partitionKey : undefined,
    shardId: eventId?.includes(':') ? eventId.slice(0, eventId.indexOf(':')) : undefined,
    arrivedAt: typeof k.approximateArrivalTimestamp === 'number' ? Math.round(k.approximateArrivalTimestamp * 1000) : undefined,
  };
  const stream = streamName(record.eventSourceARN);
  if (stream && base.origin === 'lambda') source.origin = stream;
  const decoded = decodeKinesisData(k.data);
  return decoded.ok
    ? { ok: true, value: decoded.value, raw: decoded.raw, source }
    : { ok: false, reason: `${source.path}.${decoded.reason}`, raw: decoded.raw, source };
}

/**
 * Expands one top-level JSON value into Connect payload candidates. Accepts a raw
 * event, a JSON array of raw events, a Lambda Kinesis event {"Records":[...]},
 * an EventBridge Pipes batch (array of flat Kinesis records), a Firehose
 * transformation event {"records":[{"data":...}]}, and a Lambda SQS event
 * {"Records":[{"messageId","body",...}]} (EventBridge -> SQS: the body is the event).
 */
export function* expandEnvelope(value: unknown, raw: string, source: SourceRef): Generator<Candidate> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* expandItem(value[i], source, `[${i}]`);
    return;
  }
  if (isObject(value) && Array.isArray(value.Records)) {
    const records = value.Records;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const path = `Records[${i}]`;
      const k = isObject(r) ? kinesisPart(r) : null;
      if (isObject(r) && !k && isSqsRecord(r)) {
        yield fromSqs(r, source, path);
        continue;
      }
      if (!isObject(r) || !k) {
        yield { ok: false, reason: `${path}: not a Kinesis record (no kinesis.data)`, raw: safeStringify(r), source: { ...source, path } };
        continue;
      }
      yield fromKinesis(r, k, source, path);
    }
    return;
  }
  if (isObject(value) && Array.isArray(value.records) && value.records.every((r) => isObject(r) && 'data' in r)) {
    const records = value.records as Obj[];
    for (let i = 0; i < records.length; i++) yield fromKinesis(records[i]!, records[i]!, source, `records[${i}]`);
    return;
  }
  if (isObject(value)) {
    const k = kinesisPart(value);
    if (k) {
      yield fromKinesis(value, k, source, '');
      return;
    }
    if (isSqsRecord(value)) {
      yield fromSqs(value, source, '');
      return;
    }
  }
  yield { ok: true, value, raw, source };
}

function* expandItem(item: unknown, source: SourceRef, path: string): Generator<Candidate> {
  const itemSource = { ...source, path: `${source.path ?? ''}${path}` };
  if (isObject(item)) {
    const k = kinesisPart(item);
    if (k) {
      yield fromKinesis(item, k, source, path);
      return;
    }
  }
  yield { ok: true, value: item, raw: safeStringify(item), source: itemSource };
}

/** The value as JSON for quarantine; a value too deep to serialize is described instead. */
function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch (err) {
    return `(not serializable: ${(err as Error).message})`;
  }
}
