import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rawText, type AppendedEvent, type NewEvent, type Rejection, type SourceRef, type StoredEvent } from '../../model.js';
import { padTime } from '../../parse/record.js';
import { HeldBackError, PartialAppendError } from '../errors.js';
import { orderedWithinTime, timePrefix } from '../ordering.js';
import type { EventStore } from '../ports.js';
import { batchGet, isConditionalCheckFailed, mapLimit, queryPages, type RetryOptions } from './batch.js';
import { eventItem, MAX_PAYLOAD_BYTES, packText, packedBytes, shardOf, storedEventFromItem, streamHash, unpackText, type Item } from './codec.js';
import { COUNTER_SHARDS, EVENT_SHARDS, INDEX_BY_SHARD, type TableNames } from './schema.js';

export interface EventTableOptions {
  /** conditional puts in flight per append; default 32 */
  appendConcurrency?: number;
  /** Limit of each index page read by scanAll and catch-up; default: DynamoDB's 1 MB pages */
  scanPageSize?: number;
  /** events expire (DynamoDB TTL) this many days after they occurred; default: kept */
  eventRetentionDays?: number;
}

/**
 * The event table, with its counters and the quarantine (items of the ledger
 * table): conditional puts keyed by stream and time + dedupe key, read back by
 * stream or, for replays, shard by shard of the byShard index.
 */
export class DynamoEvents implements EventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: TableNames,
    private readonly retry: RetryOptions,
    private readonly now: () => number,
    private readonly options: EventTableOptions,
  ) {}

  async append(events: readonly NewEvent[], receivedAt: number): Promise<{ appended: AppendedEvent[]; duplicates: number }> {
    const insertedAt = this.now();
    const appended: AppendedEvent[] = [];
    const failed: PartialAppendError['failed'] = [];
    let duplicates = 0;
    // Streams in parallel, each stream's events one after the other in sort-key
    // order: the table's stream then hands an agent's events to the projector in
    // order. After a failure the rest of that stream waits for the retry.
    const byStream = new Map<string, NewEvent[]>();
    for (const e of events) {
      const list = byStream.get(e.streamId);
      if (list) list.push(e);
      else byStream.set(e.streamId, [e]);
    }
    const put = async (e: NewEvent): Promise<boolean> => {
      const item = eventItem(e, receivedAt, insertedAt, this.options.eventRetentionDays);
      if (packedBytes(item) > MAX_PAYLOAD_BYTES) {
        throw new OversizeError(`event too large for a DynamoDB item (${rawText(e.raw).length} characters, ${packedBytes(item)} bytes compressed)`);
      }
      try {
        await this.doc.send(new PutCommand({ TableName: this.tables.events, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        throw err;
      }
    };
    await mapLimit([...byStream.values()], this.options.appendConcurrency ?? 32, async (list) => {
      list.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      let blocked: unknown = null;
      for (const e of list) {
        if (blocked !== null) {
          failed.push({ event: e, error: new HeldBackError(`not appended: an earlier event of ${e.streamId} failed (${describeError(blocked)})`), retryable: true });
          continue;
        }
        try {
          if (await put(e)) appended.push({ ...e, receivedAt });
          else duplicates++;
        } catch (err) {
          const retryable = !(err instanceof OversizeError);
          failed.push({ event: e, error: err, retryable });
          if (retryable) blocked = err;
        }
      }
    });
    if (appended.length > 0) {
      await this.bumpCounters({ events: appended.length }, Math.max(...appended.map((e) => e.occurredAt)));
    }
    if (failed.length > 0) throw new PartialAppendError(appended, duplicates, failed);
    return { appended, duplicates };
  }

  /**
   * Adds to a random counter shard (one UpdateItem per append call), moving
   * its lastAt forward when the batch is newer.
   */
  private async bumpCounters(add: { events?: number; quarantined?: number }, lastAt?: number): Promise<void> {
    const Key = { pk: 'counter', sk: String(Math.floor(Math.random() * COUNTER_SHARDS)) };
    const adds = Object.entries(add).filter(([, n]) => n);
    const addExpr = `ADD ${adds.map(([k]) => `${k} :${k}`).join(', ')}`;
    const values = Object.fromEntries(adds.map(([k, n]) => [`:${k}`, n]));
    if (lastAt !== undefined) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key,
            UpdateExpression: `${addExpr} SET lastAt = :t`,
            ConditionExpression: 'attribute_not_exists(lastAt) OR lastAt < :t',
            ExpressionAttributeValues: { ...values, ':t': lastAt },
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
    await this.doc.send(new UpdateCommand({ TableName: this.tables.ledger, Key, UpdateExpression: addExpr, ExpressionAttributeValues: values }));
  }

  /**
   * Keeps rejected input with its raw bytes and reason. Records from Kinesis
   * are keyed by their arrival time and sequence number, so a redelivered
   * batch does not quarantine them twice.
   */
  async quarantine(rejections: readonly Rejection[], receivedAt: number): Promise<void> {
    if (rejections.length === 0) return;
    const outcomes = await mapLimit(rejections, 16, async (r, i) => {
      const s = r.source;
      const id = s.sequenceNumber
        ? `${s.origin}|${s.shardId ?? ''}|${s.sequenceNumber}|${s.path ?? ''}`
        : `${receivedAt}|${String(i).padStart(6, '0')}|${Math.random().toString(36).slice(2, 10)}`;
      let raw = packText('raw', r.raw);
      let reason = r.reason;
      if (packedBytes(raw) > MAX_PAYLOAD_BYTES) {
        raw = packText('raw', r.raw.slice(0, 200_000));
        reason += ` (raw truncated from ${r.raw.length} characters)`;
      }
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tables.ledger,
            Item: { pk: 'quarantine', sk: `${padTime(s.arrivedAt ?? receivedAt)}|${id}`, rcv: receivedAt, src: JSON.stringify(s), reason, ...raw },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 1;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return 0;
        throw err;
      }
    });
    const fresh = outcomes.reduce((a: number, b) => a + b, 0);
    if (fresh > 0) await this.bumpCounters({ quarantined: fresh });
  }

  async *readStream(streamId: string, afterSortKey = ''): AsyncIterable<StoredEvent> {
    const prefix = timePrefix(afterSortKey);
    const pages = queryPages(this.doc, {
      TableName: this.tables.events,
      ConsistentRead: true,
      ...(prefix
        ? { KeyConditionExpression: 'pk = :pk AND sk >= :from', ExpressionAttributeValues: { ':pk': streamId, ':from': prefix } }
        : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': streamId } }),
    });
    for await (const e of orderedWithinTime(decodePages(pages))) if (e.sortKey > afterSortKey) yield e;
  }

  /**
   * Every event, shard by shard of the byShard index: streams whole and in
   * order, one index page in memory. Events always come with their raw payload
   * (the item holds it anyway); `preferFacts` changes nothing here.
   */
  scanAll(_options: { preferFacts?: boolean } = {}): AsyncIterable<StoredEvent> {
    return orderedWithinTime(this.indexedEvents({}));
  }

  /** The scan position just after the event's stream: its shard, and its prefix in the byShard index. */
  positionAfter(event: StoredEvent): string {
    return JSON.stringify([shardOf(event.streamId, EVENT_SHARDS), streamHash(event.streamId)]);
  }

  /** scanAll from a position positionAfter gave: the rest of its shard after that stream, then the shards after it. */
  scanFrom(position: string, _options: { preferFacts?: boolean } = {}): AsyncIterable<StoredEvent> {
    const [shard, hash] = JSON.parse(position) as [number, string];
    // an index key is the stream's hash then the event's sort key (digits first): '~' sorts after all of them
    return orderedWithinTime(this.indexedEvents({ after: { shard, ssk: `${hash}~` } }));
  }

  /** Events in index order (stream, then time), optionally only those inserted at or after `since`, or after a position. */
  async *indexedEvents({ since, after }: { since?: number; after?: { shard: number; ssk: string } }): AsyncGenerator<StoredEvent> {
    for (let shard = after?.shard ?? 0; shard < EVENT_SHARDS; shard++) {
      const from = after?.shard === shard ? after.ssk : undefined;
      const pages = queryPages(this.doc, {
        TableName: this.tables.events,
        IndexName: INDEX_BY_SHARD,
        KeyConditionExpression: from === undefined ? '#shard = :s' : '#shard = :s AND ssk > :from',
        ExpressionAttributeNames: { '#shard': 'shard' },
        ExpressionAttributeValues: { ':s': String(shard), ...(since !== undefined ? { ':since': since } : {}), ...(from !== undefined ? { ':from': from } : {}) },
        ...(since !== undefined ? { FilterExpression: 'ins >= :since' } : {}),
        ...(this.options.scanPageSize ? { Limit: this.options.scanPageSize } : {}),
      });
      for await (const keys of pages) {
        if (keys.length === 0) continue;
        const items = await batchGet(
          this.doc,
          this.tables.events,
          keys.map((k) => ({ pk: k.pk as string, sk: k.sk as string })),
          this.retry,
        );
        const byKey = new Map(items.map((i) => [`${i.pk as string}\u0000${i.sk as string}`, i]));
        for (const k of keys) {
          const item = byKey.get(`${k.pk as string}\u0000${k.sk as string}`);
          if (item) yield storedEventFromItem(item);
        }
      }
    }
  }

  async counts(): Promise<{ events: number; quarantined: number; lastEventAt: number | null }> {
    const items = await batchGet(
      this.doc,
      this.tables.ledger,
      Array.from({ length: COUNTER_SHARDS }, (_, i) => ({ pk: 'counter', sk: String(i) })),
      { ...this.retry, consistent: true },
    );
    let events = 0;
    let quarantined = 0;
    let lastEventAt: number | null = null;
    for (const i of items) {
      events += Number(i.events ?? 0);
      quarantined += Number(i.quarantined ?? 0);
      if (typeof i.lastAt === 'number') lastEventAt = Math.max(lastEventAt ?? -Infinity, i.lastAt);
    }
    return { events, quarantined, lastEventAt };
  }

  async listQuarantine(limit: number): Promise<Array<Rejection & { receivedAt: number }>> {
    const out: Array<Rejection & { receivedAt: number }> = [];
    for await (const page of queryPages(this.doc, {
      TableName: this.tables.ledger,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'quarantine' },
      ScanIndexForward: false,
      Limit: Math.min(limit, 1000),
    })) {
      for (const i of page) {
        if (out.length >= limit) return out;
        out.push({ receivedAt: Number(i.rcv), source: JSON.parse(i.src as string) as SourceRef, reason: i.reason as string, raw: unpackText(i, 'raw') ?? '' });
      }
      if (out.length >= limit) return out;
    }
    return out;
  }
}

class OversizeError extends Error {
  override name = 'OversizeError';
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function* decodePages(pages: AsyncIterable<Item[]>): AsyncGenerator<StoredEvent> {
  for await (const page of pages) for (const item of page) yield storedEventFromItem(item);
}
