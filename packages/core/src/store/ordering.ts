import type { StoredEvent } from '../model.js';

/**
 * Both event tables key a stream by time and dedupe key, which is what makes
 * an event unique, while the fold order breaks EventTimestamp ties by Kinesis
 * sequence number first (the sort key). Events of the same stream and
 * millisecond are put in sort-key order here; such ties are rare and small.
 */
export async function* orderedWithinTime(events: AsyncIterable<StoredEvent>): AsyncGenerator<StoredEvent> {
  const ties = new TieOrder<StoredEvent>();
  for await (const e of events) for (const done of ties.push(e)) yield done;
  for (const done of ties.end()) yield done;
}

/**
 * Holds the events of one stream and millisecond until an event of another
 * comes, then hands them on in sort-key order. For readers that turn pages of
 * rows into events themselves (plain loops: an extra async generator per event
 * costs a promise each).
 */
export class TieOrder<T extends { streamId: string; occurredAt: number; sortKey: string }> {
  private group: T[] = [];
  /** the array handed out last, reused once the caller has read it (two arrays, not one per event) */
  private spare: T[] = [];

  /** The events that `e` closes, in order (none while `e` continues their millisecond); read them before the next push. */
  push(e: T): T[] {
    const head = this.group[0];
    let done: T[] = NONE;
    if (head && (head.streamId !== e.streamId || head.occurredAt !== e.occurredAt)) {
      done = bySortKey(this.group);
      this.group = this.spare;
      this.group.length = 0;
      this.spare = done;
    }
    this.group.push(e);
    return done;
  }

  /** The events still held, in order. */
  end(): T[] {
    const done = bySortKey(this.group);
    this.group = [];
    return done;
  }
}

const NONE: never[] = [];

/** The events of one stream and millisecond in sort-key order. */
export function bySortKey<T extends { sortKey: string }>(group: T[]): T[] {
  return group.length > 1 ? group.sort((a, b) => compareText(a.sortKey, b.sortKey)) : group;
}

/** Orders strings by UTF-16 code units, as sort keys and DynamoDB's string keys compare (not by locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The time prefix of a sort key built by agentSortKey / padTime, or null. */
export function timePrefix(sortKey: string): string | null {
  return /^\d{15}/.test(sortKey) ? sortKey.slice(0, 15) : null;
}
