import type { Interval, Tally } from '../../projectors/agent.js';
import type { Emitted } from '../ports.js';
import { compareText } from '../ordering.js';
import { unpackJson, type Item } from './codec.js';

/*
 * An agent's outputs as the projections table keeps them: chunks of about
 * CHUNK_BYTES, each the outputs of consecutive events, keyed by the emit key
 * of its last event (g<N>#out#<agentArn> / <emitKey>).
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
  const groups = [...byKey.values()].sort((a, b) => compareText(a[0], b[0]));
  const chunks: Chunk[] = [];
  let current: EmitGroup[] = [];
  let bytes = 0;
  for (const g of groups) {
    const size = JSON.stringify(g).length;
    if (current.length > 0 && bytes + size > CHUNK_BYTES) {
      chunks.push({ u, groups: current });
      current = [];
      bytes = 0;
    }
    current.push(g);
    bytes += size;
  }
  if (current.length > 0) chunks.push({ u, groups: current });
  return chunks;
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

