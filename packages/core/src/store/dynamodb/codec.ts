import { createHash } from 'node:crypto';
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { rawText, type EventKind, type NewEvent, type SourceRef, type StoredEvent } from '../../model.js';
import { padTime } from '../../parse/record.js';
import { EVENT_DICTIONARY_V1 } from '../dictionary.js';
import { EVENT_SHARDS, TTL_ATTRIBUTE } from './schema.js';

/** A DynamoDB item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** JSON above this many bytes is stored gzipped (DynamoDB bills writes per started KB). */
const GZIP_ABOVE = 900;
/** DynamoDB's item limit is 400 KB; keep room for keys and attributes. */
export const MAX_PAYLOAD_BYTES = 380_000;

/** Stores a string as `<name>` (S) or, when long, gzipped as `<name>z` (B). */
export function packText(name: string, text: string): Item {
  if (Buffer.byteLength(text) <= GZIP_ABOVE) return { [name]: text };
  return { [`${name}z`]: gzipSync(text, { level: 6 }) };
}

/**
 * The item with a string attribute added as `<name>` or, gzipped, as
 * `<name>z`: whichever bills fewer write units for the whole item (keys and
 * other attributes count too, so a ~800-byte document next to its keys can
 * cross a kilobyte plain and fit in one unit gzipped).
 */
export function withCheapestText(item: Item, name: string, text: string): Item {
  const plain = { ...item, [name]: text };
  const plainUnits = writeUnits(plain);
  if (plainUnits === 1) return plain;
  const zipped = { ...item, [`${name}z`]: gzipSync(text, { level: 6 }) };
  return writeUnits(zipped) < plainUnits ? zipped : plain;
}

/** Write units DynamoDB bills for putting the item: one per started kilobyte. */
export function writeUnits(item: Item): number {
  return Math.max(1, Math.ceil(itemBytes(item) / 1024));
}

export function unpackText(item: Item, name: string): string | undefined {
  const plain = item[name];
  if (typeof plain === 'string') return plain;
  const zipped = item[`${name}z`];
  if (zipped === undefined || zipped === null) return undefined;
  return gunzipSync(toBytes(zipped)).toString('utf8');
}

export function packJson(name: string, value: unknown): Item {
  return packText(name, JSON.stringify(value));
}

export function unpackJson<T>(item: Item, name: string): T {
  const text = unpackText(item, name);
  if (text === undefined) throw new Error(`DynamoDB item has no ${name}`);
  return JSON.parse(text) as T;
}

/** Size in bytes of the packed attributes (for the item limit). */
export function packedBytes(packed: Item): number {
  let n = 0;
  for (const v of Object.values(packed)) {
    if (typeof v === 'string') n += Buffer.byteLength(v);
    else if (v instanceof Uint8Array) n += v.length;
    else n += 8;
  }
  return n;
}

/** An item's size as DynamoDB bills it (attribute names and values; numbers at their widest): write units are per started KB. */
export function itemBytes(item: Item): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) {
    n += Buffer.byteLength(k);
    if (typeof v === 'string') n += Buffer.byteLength(v);
    else if (v instanceof Uint8Array) n += v.length;
    else if (typeof v === 'number') n += 21;
    else if (typeof v === 'boolean' || v === null) n += 1;
    else n += Buffer.byteLength(JSON.stringify(v));
  }
  return n;
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'base64');
  throw new Error('expected a binary attribute');
}

/** FNV-1a over the UTF-16 code units: a stable, well-spread shard number. */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

const DICTIONARIES: Record<number, Buffer> = { 1: Buffer.from(EVENT_DICTIONARY_V1) };
/** The version of the preset dictionary deflateText uses (items keep it in `v`). */
export const CURRENT_DICTIONARY = 1;

/** Text deflated with the preset dictionary of Connect's field names and ARN shapes. */
export function deflateText(text: string): Buffer {
  return deflateRawSync(text, { dictionary: DICTIONARIES[CURRENT_DICTIONARY]!, level: 9 });
}

/** The text of deflateText's bytes, given the dictionary version they were written with. */
export function inflateText(bytes: unknown, version: number, what: string): string {
  const dictionary = DICTIONARIES[version];
  if (!dictionary) throw new Error(`${what}: unknown dictionary version ${String(version)}`);
  return inflateRawSync(toBytes(bytes), { dictionary }).toString('utf8');
}

/**
 * A stream's prefix in the byShard index: 132 bits of SHA-256 (22 base64url
 * characters) instead of the stream id itself, to keep index entries small.
 */
export function streamHash(streamId: string): string {
  return createHash('sha256').update(streamId).digest('base64url').slice(0, 22);
}

/** The event table's sort key: time first (ordered reads), then the dedupe key (idempotent appends). */
export function eventSk(occurredAt: number, dedupeKey: string): string {
  return `${padTime(occurredAt)}|${dedupeKey}`;
}

/**
 * An event item. Keys and the few attributes the indexes and readers need are
 * plain; the instance ARN, sort key, source, raw payload and (agent events)
 * the parser's facts travel in `b`, one blob deflated with a preset
 * dictionary (version in `v`): about 0.9 KB per agent event, one write unit.
 * Blob: JSON [instanceArn, sortKey, source, raw length] NL raw facts.
 */
export function eventItem(e: NewEvent, receivedAt: number, insertedAt: number, retentionDays?: number): Item {
  const sk = eventSk(e.occurredAt, e.dedupeKey);
  const raw = rawText(e.raw);
  const header = JSON.stringify([e.instanceArn, e.sortKey, e.source, raw.length]);
  return {
    pk: e.streamId,
    sk,
    shard: String(shardOf(e.streamId, EVENT_SHARDS)),
    ssk: `${streamHash(e.streamId)}${sk}`,
    kind: e.kind,
    at: e.occurredAt,
    rcv: receivedAt,
    ins: insertedAt,
    v: CURRENT_DICTIONARY,
    b: deflateText(`${header}\n${raw}${e.facts ?? ''}`),
    ...(retentionDays ? { [TTL_ATTRIBUTE]: Math.floor(e.occurredAt / 1000) + retentionDays * 86_400 } : {}),
  };
}

export function storedEventFromItem(item: Item): StoredEvent {
  const text = inflateText(item.b, Number(item.v), `event item ${String(item.pk)}/${String(item.sk)}`);
  const newline = text.indexOf('\n');
  const [instanceArn, sortKey, source, rawLength] = JSON.parse(text.slice(0, newline)) as [string, string, SourceRef, number];
  const raw = text.slice(newline + 1, newline + 1 + rawLength);
  const facts = text.slice(newline + 1 + rawLength);
  const sk = item.sk as string;
  return {
    kind: item.kind as EventKind,
    streamId: item.pk as string,
    dedupeKey: sk.slice(sk.indexOf('|') + 1),
    instanceArn,
    occurredAt: Number(item.at),
    sortKey,
    receivedAt: Number(item.rcv),
    source,
    raw,
    ...(facts ? { facts } : {}),
  };
}

/** A raw AttributeValue map, as in a Lambda DynamoDB stream event (B as base64) or the Streams API (B as bytes). */
export type AttributeMap = Record<string, Record<string, unknown>>;

/** Converts an image of the DynamoDB stream (Lambda event or GetRecords) to a document item. */
export function itemFromImage(image: AttributeMap): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(image)) out[k] = attributeValue(v);
  return out;
}

function attributeValue(v: Record<string, unknown>): unknown {
  if ('S' in v) return v.S;
  if ('N' in v) return Number(v.N);
  if ('B' in v) return toBytes(v.B);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('M' in v) return itemFromImage(v.M as AttributeMap);
  if ('L' in v) return (v.L as Array<Record<string, unknown>>).map(attributeValue);
  if ('SS' in v) return v.SS;
  if ('NS' in v) return (v.NS as string[]).map(Number);
  throw new Error(`unsupported attribute value: ${Object.keys(v).join(',')}`);
}

/** The stored event in a NewImage of the event table's stream. */
export function storedEventFromImage(image: AttributeMap): StoredEvent {
  return storedEventFromItem(itemFromImage(image));
}
