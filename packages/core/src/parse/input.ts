import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import type { SourceRef } from '../model.js';
import { expandEnvelope, type Candidate } from './envelope.js';
import { JsonStreamSplitter, type Piece } from './splitter.js';

export class InputError extends Error {
  override name = 'InputError';
}

/**
 * How far reading an input got, for progress: the bytes of the input that were
 * split into lines so far; of a gzip input, the compressed bytes decompressed so
 * far (the file itself is read megabytes ahead of that).
 */
export interface ReadPosition {
  bytes: number;
}

/** A file to ingest ('-' is standard input), its name in sources, and the position readInput reports reading it. */
export function openInput(file: string): { stream: Readable; origin: string; position: ReadPosition } {
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  return { stream, origin: file === '-' ? 'stdin' : file, position: { bytes: 0 } };
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * Reads Connect payloads from a byte stream: JSON Lines, JSON arrays, Lambda
 * Kinesis events, EventBridge Pipes batches, Firehose-style concatenated JSON,
 * each optionally gzip-compressed (detected from the bytes, not the name).
 * Bad records become failed candidates; only an unreadable stream throws.
 */
export async function* readInput(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  origin: string,
  position: ReadPosition = { bytes: 0 },
): AsyncGenerator<Candidate> {
  const splitter = new JsonStreamSplitter();
  let lineNo = 0;
  const emit = function* (pieces: Piece[], line?: Uint8Array, text?: string): Generator<Candidate> {
    for (const piece of pieces) {
      const source: SourceRef = { origin, line: piece.line };
      if (!piece.ok) {
        yield { ok: false, reason: piece.reason, raw: piece.text, source };
        continue;
      }
      if (piece.value === undefined) continue; // blank line
      for (const c of expandEnvelope(piece.value, piece.text, source)) {
        // a payload that is its whole line: its bytes need not be encoded again (a BOM was decoded away)
        if (c.ok && line && c.raw === text && line[0] !== 0xef) c.bytes = line;
        yield c;
      }
    }
  };
  for await (const line of readLines(decompressIfGzip(toAsync(chunks), origin, position))) {
    lineNo++;
    let text: string;
    try {
      text = fatalUtf8.decode(line);
    } catch {
      yield { ok: false, reason: 'not valid UTF-8', raw: lenientUtf8.decode(line), source: { origin, line: lineNo } };
      continue;
    }
    yield* emit(splitter.pushLine(text, lineNo), line, text);
  }
  yield* emit(splitter.end());
}

async function* toAsync(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

async function* decompressIfGzip(chunks: AsyncIterable<Uint8Array>, origin: string, position: ReadPosition): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => iterator,
  };
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* rest;
  }
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    for await (const chunk of all()) {
      position.bytes += chunk.length;
      yield chunk;
    }
    return;
  }
  const gunzip = createGunzip();
  const source = Readable.from(all());
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      // the compressed bytes the decompressor has consumed: the source is read ahead of it
      position.bytes = gunzip.bytesWritten;
      yield chunk as Uint8Array;
    }
  } catch (err) {
    throw new InputError(`${origin}: not a readable gzip file (${(err as Error).message})`);
  }
}

/** Splits bytes at \n (never inside a UTF-8 sequence), dropping a trailing \r. */
async function* readLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let pending: Buffer[] = [];
  for await (const chunk of chunks) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = buf.subarray(start, nl);
      if (pending.length > 0) {
        pending.push(piece);
        yield stripCr(Buffer.concat(pending));
        pending = [];
      } else {
        yield stripCr(piece);
      }
      start = nl + 1;
    }
    // Copy: the producer may reuse its chunk buffers.
    if (start < buf.length) pending.push(Buffer.from(buf.subarray(start)));
  }
  if (pending.length > 0) yield stripCr(Buffer.concat(pending));
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}
