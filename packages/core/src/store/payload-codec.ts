import { createRequire } from 'node:module';
import type { EncodedPayload, NewEvent } from '../model.js';
import { EVENT_DICTIONARY_V1 } from './dictionary.js';

/**
 * Raw payloads as the embedded store's payload log keeps them. A packed
 * payload is a zero byte (never the first byte of a JSON text), the version of
 * the preset dictionary, then an LZ4 block compressed with that dictionary (its
 * length before it): a 3.7 KB agent event takes about 0.75 KB, and ingest
 * writes a fifth of the bytes. A payload that would not shrink is kept as its
 * UTF-8 text, as logs of earlier versions kept every payload; both read back.
 */
const PACKED = 0x00;
const DICTIONARIES: ReadonlyArray<Buffer | undefined> = [undefined, Buffer.from(EVENT_DICTIONARY_V1)];
const CURRENT_DICTIONARY = 1;

type Lz4 = typeof import('lz4-napi');
let lz4: Lz4 | undefined;
/** Loaded on first use: bundles that never touch the payload log (the Lambda handlers) need not ship the native module. */
function codec(): Lz4 {
  lz4 ??= createRequire(import.meta.url)('lz4-napi') as Lz4;
  return lz4;
}

/** A payload packed already (by the parsing thread, which has a core to spare), as the payload log stores it. */
export class PackedPayload implements EncodedPayload {
  constructor(readonly bytes: Uint8Array) {}

  text(): string {
    return unpackPayload(this.bytes);
  }
}

/** The stored form of a payload given as its UTF-8 bytes. */
export function packPayload(utf8: Uint8Array): Uint8Array {
  const block = codec().compressSync(asBuffer(utf8), DICTIONARIES[CURRENT_DICTIONARY]);
  if (block.length + 2 >= utf8.length) return utf8;
  const packed = Buffer.allocUnsafe(block.length + 2);
  packed[0] = PACKED;
  packed[1] = CURRENT_DICTIONARY;
  block.copy(packed, 2);
  return packed;
}

/** The stored form of a payload as an event carries it. */
export function storedPayload(raw: NewEvent['raw']): Uint8Array {
  if (raw instanceof PackedPayload) return raw.bytes;
  if (raw instanceof Uint8Array) return packPayload(raw);
  return packPayload(Buffer.from(typeof raw === 'string' ? raw : raw.text()));
}

/** The text of a stored payload. */
export function unpackPayload(stored: Uint8Array): string {
  if (stored.length === 0 || stored[0] !== PACKED) return asBuffer(stored).toString('utf8');
  const dictionary = DICTIONARIES[stored[1]!];
  if (!dictionary) throw new Error(`payload packed with an unknown dictionary (version ${stored[1]}): written by a newer Switchboard`);
  return codec().uncompressSync(stored.subarray(2), dictionary).toString('utf8');
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
