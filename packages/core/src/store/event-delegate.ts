import type { AppendedEvent, NewEvent, Rejection, StoredEvent } from '../model.js';
import type { EventStore } from './ports.js';

/**
 * A store whose event table is a module of its own: it serves the EventStore
 * port by handing each call to that module (sqlite/events.ts,
 * dynamodb/events.ts).
 */
export abstract class EventStoreDelegate implements EventStore {
  protected abstract readonly events: EventStore;

  append(events: readonly NewEvent[], receivedAt: number): Promise<{ appended: AppendedEvent[]; duplicates: number }> {
    return this.events.append(events, receivedAt);
  }
  quarantine(rejections: readonly Rejection[], receivedAt: number): Promise<void> {
    return this.events.quarantine(rejections, receivedAt);
  }
  readStream(streamId: string, afterSortKey?: string): AsyncIterable<StoredEvent> {
    return this.events.readStream(streamId, afterSortKey);
  }
  scanAll(options?: { preferFacts?: boolean }): AsyncIterable<StoredEvent> {
    return this.events.scanAll(options);
  }
  counts(): Promise<{ events: number; quarantined: number; lastEventAt: number | null }> {
    return this.events.counts();
  }
  listQuarantine(limit: number): Promise<Array<Rejection & { receivedAt: number }>> {
    return this.events.listQuarantine(limit);
  }
}
