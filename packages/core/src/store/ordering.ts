import type { StoredEvent } from '../model.js';

/**
 * Both event tables key a stream by time and dedupe key, which is what makes
 * an event unique, while the fold order breaks EventTimestamp ties by Kinesis
 * sequence number first (the sort key). Events of the same stream and
 * millisecond are put in sort-key order here; such ties are rare and small.
 */
export async function* orderedWithinTime(events: AsyncIterable<StoredEvent>): AsyncGenerator<StoredEvent> {
  let group: StoredEvent[] = [];
  for await (const e of events) {
    const head = group[0];
    if (head && (head.streamId !== e.streamId || head.occurredAt !== e.occurredAt)) {
      yield* bySortKey(group);
      group = [];
    }
    group.push(e);
  }
  yield* bySortKey(group);
}

/** The events of one stream and millisecond in sort-key order. */
export function bySortKey<T extends { sortKey: string }>(group: T[]): T[] {
  return group.length > 1 ? group.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0)) : group;
}

/** The time prefix of a sort key built by agentSortKey / padTime, or null. */
export function timePrefix(sortKey: string): string | null {
  return /^\d{15}/.test(sortKey) ? sortKey.slice(0, 15) : null;
}
