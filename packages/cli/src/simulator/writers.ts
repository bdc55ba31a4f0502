import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constants as zlib, createGzip } from 'node:zlib';
import type { SimEvent } from './engine.js';
import { payloadJson } from './json.js';

export interface WriteOptions {
  /** 'jsonl' (default): one payload per line. 'kinesis': Lambda Kinesis event documents, one per line. */
  format?: 'jsonl' | 'kinesis';
  /** kinesis: records per document; default 500 */
  recordsPerDocument?: number;
  /** kinesis: eventSourceARN; default arn:aws:kinesis:<the instance's region>:<account>:stream/switchboard-connect */
  streamArn?: string;
  /** gzip level when the path ends in .gz; default 6 */
  gzipLevel?: number;
}

export interface WriteResult {
  events: number;
  /** kinesis documents written (0 for jsonl) */
  documents: number;
  /** bytes before compression */
  bytes: number;
}

/** Text is handed to the file in pieces of this size: few writes, bounded memory. */
const CHUNK_BYTES = 4 << 20;
/** Buffered between the producer and the disk (or gzip), so that both keep busy. */
const HIGH_WATER_MARK = 16 << 20;
const GZIP_CHUNK_BYTES = 1 << 20;
const SHARD_ID = 'shardId-000000000000';
/** Kinesis sequence numbers are 56-digit decimals; this one is from a real stream (see the seed article). */
const FIRST_SEQUENCE = 49651139538302143095151058574031664653397744781153533954n;
const SEQUENCE_STEP = 1_000_000n;
/** Kinesis receives a record shortly after Connect publishes it. */
const ARRIVAL_LAG_MS = 150;

type Events = Iterable<SimEvent> | AsyncIterable<SimEvent>;

/**
 * Writes events to `path` ('-' = standard output) as JSON Lines or as Lambda
 * Kinesis event documents ({"Records":[...]}, one per line, up to 500 records
 * each), gzip-compressed when the path ends in .gz. Streams: memory stays
 * bounded whatever the number of events, and a slow disk slows the producer.
 */
export async function writeSimulation(events: Events, path: string, options: WriteOptions = {}): Promise<WriteResult> {
  const format = options.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'kinesis') throw new RangeError(`format must be jsonl or kinesis, got ${String(format)}`);
  const perDocument = options.recordsPerDocument ?? 500;
  if (!Number.isInteger(perDocument) || perDocument < 1 || perDocument > 10_000) {
    throw new RangeError('recordsPerDocument must be an integer from 1 to 10000');
  }
  const result: WriteResult = { events: 0, documents: 0, bytes: 0 };
  const encoder = format === 'jsonl' ? jsonLines(result) : kinesisDocuments(result, perDocument, options.streamArn);
  const source = Readable.from(chunks(events, encoder, result), { objectMode: false, highWaterMark: HIGH_WATER_MARK });
  const sink: Writable = path === '-' ? nonClosing(process.stdout) : createWriteStream(path, { highWaterMark: HIGH_WATER_MARK });
  try {
    await writeTo(source, sink, path.endsWith('.gz'), options.gzipLevel);
  } catch (err) {
    // The reader of standard output went away (`simulate | head`): not a failure.
    if (path === '-' && (err as NodeJS.ErrnoException).code === 'EPIPE') return result;
    throw err;
  }
  return result;
}

async function writeTo(source: Readable, sink: Writable, gzip: boolean, level: number | undefined): Promise<void> {
  if (gzip) {
    // Deflate runs on the thread pool; large output chunks mean fewer round trips to the main thread.
    await pipeline(source, createGzip({ level: level ?? zlib.Z_DEFAULT_COMPRESSION, chunkSize: GZIP_CHUNK_BYTES }), sink);
  } else {
    await pipeline(source, sink);
  }
}

interface Encoder {
  /** text for one event (may be empty while a document fills up) */
  add(e: SimEvent): string;
  /** text still buffered at the end */
  end(): string;
}

async function* chunks(events: Events, encoder: Encoder, result: WriteResult): AsyncGenerator<Buffer> {
  // Text goes straight into large buffers: no per-line Buffer, no join.
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const add = (text: string): Buffer | null => {
    if (text.length === 0) return null;
    let full: Buffer | null = null;
    if (CHUNK_BYTES - used < text.length * 3) {
      // might not fit (UTF-8 takes up to 3 bytes per UTF-16 unit): hand over what we have
      full = used > 0 ? buffer.subarray(0, used) : null;
      buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, text.length * 3));
      used = 0;
    }
    used += buffer.write(text, used);
    return full;
  };
  const emit = (chunk: Buffer): Buffer => {
    result.bytes += chunk.length;
    return chunk;
  };
  if (Symbol.iterator in events) {
    // Synchronous source (the simulator): no await per event.
    for (const e of events) {
      result.events++;
      const chunk = add(encoder.add(e));
      if (chunk !== null) {
        yield emit(chunk);
        // Let the event loop run between chunks: otherwise the stream reads ahead in one
        // stretch of microtasks and gzip / the disk wait for their callbacks instead of
        // working alongside the generator.
        await nextTurn();
      }
    }
  } else {
    for await (const e of events) {
      result.events++;
      const chunk = add(encoder.add(e));
      if (chunk !== null) yield emit(chunk);
    }
  }
  const chunk = add(encoder.end());
  if (chunk !== null) yield emit(chunk);
  if (used > 0) yield emit(buffer.subarray(0, used));
}

function jsonLines(_result: WriteResult): Encoder {
  return {
    add: (e) => `${payloadJson(e)}\n`,
    end: () => '',
  };
}

function kinesisDocuments(result: WriteResult, perDocument: number, streamArn: string | undefined): Encoder {
  let inDocument = 0;
  let sequence = FIRST_SEQUENCE;
  let arrival = 0;
  let envelope: { region: string; account: string; arn: string; role: string } | null = null;
  return {
    // Each record is handed over as soon as it is encoded; documents are never held whole.
    add(e) {
      envelope ??= envelopeFor(e, streamArn);
      sequence += SEQUENCE_STEP;
      arrival = Math.max(arrival, e.at + ARRIVAL_LAG_MS);
      const seq = sequence.toString();
      const data = Buffer.from(payloadJson(e)).toString('base64');
      const open = inDocument === 0 ? '{"Records":[' : ',';
      inDocument++;
      let close = '';
      if (inDocument === perDocument) {
        close = ']}\n';
        inDocument = 0;
        result.documents++;
      }
      // Assembled by hand: JSON.stringify would scan the long base64 string for escapes.
      return (
        `${open}{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":${JSON.stringify(e.partitionKey)},"sequenceNumber":"${seq}",` +
        `"data":"${data}","approximateArrivalTimestamp":${arrival / 1000}},"eventSource":"aws:kinesis","eventVersion":"1.0",` +
        `"eventID":"${SHARD_ID}:${seq}","eventName":"aws:kinesis:record","invokeIdentityArn":${envelope.role},` +
        `"awsRegion":${envelope.region},"eventSourceARN":${envelope.arn}}${close}`
      );
    },
    end() {
      if (inDocument === 0) return '';
      inDocument = 0;
      result.documents++;
      return ']}\n';
    },
  };
}

function envelopeFor(e: SimEvent, streamArn: string | undefined): { region: string; account: string; arn: string; role: string } {
  const instance = String(e.payload.InstanceARN ?? '');
  const m = /^arn:aws[a-z-]*:connect:([a-z0-9-]+):(\d{12}):/.exec(instance);
  const region = m?.[1] ?? 'ap-northeast-1';
  const account = m?.[2] ?? String(e.payload.AWSAccountId ?? '123456789012');
  const arn = streamArn ?? `arn:aws:kinesis:${region}:${account}:stream/switchboard-connect`;
  const streamRegion = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):/.exec(arn)?.[1] ?? region;
  // JSON string literals, ready to splice into records
  return {
    region: JSON.stringify(streamRegion),
    account,
    arn: JSON.stringify(arn),
    role: JSON.stringify(`arn:aws:iam::${account}:role/switchboard-ingest`),
  };
}

/**
 * Standard output as the pipeline's end: not closed when the pipeline ends, and
 * a failed write (EPIPE when the reader goes away, as with `| head`) fails the
 * pipeline instead of leaving it waiting. The stream's own 'error' event is the
 * command's to handle (the CLI ends quietly, see stdout.ts).
 */
function nonClosing(out: NodeJS.WriteStream): Writable {
  return new Writable({
    highWaterMark: HIGH_WATER_MARK,
    write(chunk: Buffer, _encoding, callback) {
      out.write(chunk, (err) => callback(err ?? null));
    },
  });
}
