import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { Emitted } from '../ports.js';
import { compareText } from '../ordering.js';
import { CURRENT_DICTIONARY, deflateText, inflateText, packJson, unpackJson, type Item } from './codec.js';

/*
 * An agent's outputs as the projections table keeps them: chunks of about
 * CHUNK_BYTES, each the outputs of consecutive events, keyed by the emit key
 * of its last event (g<N>#out#<agentArn> / <emitKey>), and the newest outputs
 * in a tail on the agent's record, which is written for every batch anyway:
 * an event costs one write (the record) instead of two until the tail is
 * sealed into a chunk.
 */

/** A chunk of outputs is cut at about this many bytes of JSON (before gzip). */
const CHUNK_BYTES = 24_000;

/** Outputs of one event: [emitKey, intervals, tallies] in a compact array form. */
type EmitGroup = [string, IntervalTuple[], TallyTuple[]];
/** [dimension, name, statusType, contactId, start, end, username?] (username only when it differs from the chunk's) */
type IntervalTuple = [string, string, string | null, string | null, number, number, (string | null)?];
/** [kind, contactId, at] */
type TallyTuple = [string, string, number];

const DIMENSIONS = { s: 'status', a: 'activity', c: 'contact' } as const;
const DIMENSION_CODE = { status: 's', activity: 'a', contact: 'c' } as const;

export interface Chunk {
  u: string | null;
  groups: EmitGroup[];
}

/** Groups outputs by emit key (they arrive in emit order) and cuts them into chunks of about CHUNK_BYTES. */
export function buildChunks(intervals: readonly Emitted<Interval>[], tallies: readonly Emitted<Tally>[]): Chunk[] {
  return cutChunks(groupOutputs(intervals, tallies));
}

/** The outputs as one chunk (null: none), grouped by emit key. */
export function groupOutputs(intervals: readonly Emitted<Interval>[], tallies: readonly Emitted<Tally>[]): Chunk | null {
  const byKey = new Map<string, EmitGroup>();
  const group = (emitKey: string) => {
    let g = byKey.get(emitKey);
    if (!g) byKey.set(emitKey, (g = [emitKey, [], []]));
    return g;
  };
  const u = intervals[0]?.username ?? null;
  for (const iv of intervals) {
    const t: IntervalTuple = [DIMENSION_CODE[iv.dimension], iv.name, iv.statusType, iv.contactId, iv.start, iv.end];
    if (iv.username !== u) t.push(iv.username);
    group(iv.emitKey)[1].push(t);
  }
  for (const t of tallies) group(t.emitKey)[2].push([t.kind, t.contactId, t.at]);
  if (byKey.size === 0) return null;
  return { u, groups: [...byKey.values()].sort((a, b) => compareText(a[0], b[0])) };
}

/** Cuts a chunk's groups into chunks of about CHUNK_BYTES (of JSON, before gzip). */
export function cutChunks(chunk: Chunk | null): Chunk[] {
  if (!chunk) return [];
  const chunks: Chunk[] = [];
  let current: EmitGroup[] = [];
  let bytes = 0;
  for (const g of chunk.groups) {
    const size = JSON.stringify(g).length;
    if (current.length > 0 && bytes + size > CHUNK_BYTES) {
      chunks.push({ u: chunk.u, groups: current });
      current = [];
      bytes = 0;
    }
    current.push(g);
    bytes += size;
  }
  if (current.length > 0) chunks.push({ u: chunk.u, groups: current });
  return chunks;
}

/** The groups of two chunks in emit-key order, under the first one's username (the second's written out where it differs). */
export function mergeChunks(a: Chunk | null, b: Chunk | null): Chunk | null {
  if (!a || a.groups.length === 0) return b;
  if (!b || b.groups.length === 0) return a;
  const groups =
    b.u === a.u
      ? b.groups
      : b.groups.map(([key, ivs, ts]): EmitGroup => [key, ivs.map((t): IntervalTuple => (t.length > 6 ? t : [t[0], t[1], t[2], t[3], t[4], t[5], b.u])), ts]);
  return { u: a.u, groups: [...a.groups, ...groups].sort((x, y) => compareText(x[0], y[0])) };
}

/** The groups emitted at or before `emitKey` (null: none). */
export function chunkUpTo(chunk: Chunk | null, emitKey: string): Chunk | null {
  const groups = chunk?.groups.filter((g) => g[0] <= emitKey) ?? [];
  return groups.length === 0 ? null : { u: chunk!.u, groups };
}

/** A chunk's attributes in an output chunk item. */
export function encodeChunk(chunk: Chunk): Item {
  return packJson('o', { u: chunk.u, g: chunk.groups });
}

/** The attributes of an agent record holding its state and tail: `rb`, deflated with the preset dictionary (`v`). */
export const RECORD_BODY_ATTRIBUTES = 'rb, v, st, stz';

/**
 * An agent record's state and tail in one attribute, deflated with the preset
 * dictionary of Connect's field names and ARN shapes: a record carrying a few
 * events' outputs stays within one write unit.
 */
export function encodeRecordBody(state: AgentState, tail: Chunk | null): Item {
  return { rb: deflateText(JSON.stringify(tail ? [state, tail.u, tail.groups] : [state])), v: CURRENT_DICTIONARY };
}

export function decodeRecordBody(item: Item): { state: AgentState; tail: Chunk | null } {
  // records written before they carried tails keep their state in `st`
  if (item.rb === undefined) return { state: unpackJson<AgentState>(item, 'st'), tail: null };
  const [state, u, groups] = JSON.parse(inflateText(item.rb, Number(item.v), `agent record ${String(item.sk)}`)) as [AgentState, (string | null)?, EmitGroup[]?];
  return { state, tail: groups ? { u: u ?? null, groups } : null };
}

export function decodeChunk(item: Item): Chunk {
  const { u, g } = unpackJson<{ u: string | null; g: EmitGroup[] }>(item, 'o');
  return { u, groups: g };
}

export function chunkIntervals(agentArn: string, { u, groups }: Chunk): Interval[] {
  const out: Interval[] = [];
  for (const [, ivs] of groups) {
    for (const t of ivs) {
      out.push({
        agentArn,
        username: t.length > 6 ? (t[6] ?? null) : u,
        dimension: DIMENSIONS[t[0] as keyof typeof DIMENSIONS],
        name: t[1],
        statusType: t[2],
        contactId: t[3],
        start: t[4],
        end: t[5],
      });
    }
  }
  return out;
}

export function chunkTallies(agentArn: string, { groups }: Chunk): Tally[] {
  const out: Tally[] = [];
  for (const [, , ts] of groups) for (const t of ts) out.push({ agentArn, kind: t[0] as Tally['kind'], contactId: t[1], at: t[2] });
  return out;
}

