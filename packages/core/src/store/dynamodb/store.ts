import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../../api/views.js';
import { rawText, type AppendedEvent, type NewEvent, type Rejection, type SourceRef, type StoredEvent } from '../../model.js';
import { orderedWithinTime, timePrefix } from '../ordering.js';
import { padTime } from '../../parse/record.js';
import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection } from '../../projectors/contacts.js';
import { HeldBackError, PartialAppendError, VersionConflictError } from '../errors.js';
import type {
  AgentRecord,
  AgentSnapshot,
  AlertLedger,
  ContactQuery,
  EventStore,
  IntervalQuery,
  ProjectionMeta,
  ProjectionStore,
  ProjectionWrites,
  Rebuildable,
  TallyQuery,
} from '../ports.js';
import {
  batchGet,
  batchWrite,
  defaultRetry,
  isConditionalCheckFailed,
  mapLimit,
  queryAll,
  queryPages,
  sleep,
  type Key,
  type RetryOptions,
} from './batch.js';
import { eventItem, MAX_PAYLOAD_BYTES, packText, packedBytes, storedEventFromItem, unpackText, type Item } from './codec.js';
import { DynamoProjections, genKey, utcDate } from './projections.js';
import { COUNTER_SHARDS, EVENT_SHARDS, INDEX_BY_SHARD, tableNamesFromPrefix, TTL_ATTRIBUTE, type TableNames } from './schema.js';

export interface DynamoStoreOptions {
  /** table names; or `tablePrefix` (`<prefix>events`, `<prefix>projections`, `<prefix>ledger`) */
  tables?: TableNames;
  tablePrefix?: string;
  /** e.g. http://127.0.0.1:8000 for DynamoDB Local */
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  /** an existing client (its middleware, retry settings and endpoint are used as they are) */
  client?: DynamoDBClient;
  /** clock of the store (insertion times, alert times); default Date.now */
  now?: () => number;
  /** back-off for unprocessed batch items; default 50 ms doubling */
  retry?: RetryOptions;
  /** conditional puts in flight per append; default 32 */
  appendConcurrency?: number;
  /** how long the current generation number may be cached; default 1000 ms */
  generationCacheMs?: number;
  /**
   * After switching generations, how long to wait for projector invocations
   * that still write the old generation before the second catch-up pass;
   * default 5000 ms.
   */
  settleMs?: number;
  /**
   * Catch-up passes also take events inserted this long before their start
   * (appends that were in flight, index propagation); default 120 s.
   */
  catchUpMarginMs?: number;
  /** Limit of each index page read by scanAll and catch-up; default: DynamoDB's 1 MB pages */
  scanPageSize?: number;
  /** a claimed alert that is still unpublished after this long may be claimed again; default 60 s */
  alertLeaseMs?: number;
  /** alerts are remembered (deduplicated) this long; default 90 days */
  alertRetentionDays?: number;
  /** events expire (DynamoDB TTL) this many days after they occurred; default: kept */
  eventRetentionDays?: number;
  /** interval chunks and contact rows expire this many days after their time; default: kept */
  projectionRetentionDays?: number;
}

const ALERT_LOG_DAYS_SCANNED = 35;
const CATCH_UP_CHUNK = 500;

/**
 * The DynamoDB store: event table, ledger (quarantine, counters, alerts) and
 * generations of projections. Layout: ./schema.ts and docs/deploy-aws.md.
 * Implements EventStore, ProjectionStore (over the current generation),
 * Rebuildable and AlertLedger.
 */
export class DynamoStore implements EventStore, ProjectionStore, Rebuildable, AlertLedger {
  readonly doc: DynamoDBDocumentClient;
  readonly tables: TableNames;
  private readonly now: () => number;
  private readonly retry: RetryOptions;
  private readonly options: DynamoStoreOptions;
  private cached: { projections: DynamoProjections; at: number } | null = null;
  private readonly building = new Map<number, DynamoProjections>();

  constructor(readonly client: DynamoDBClient, options: DynamoStoreOptions = {}) {
    const tables = options.tables ?? (options.tablePrefix !== undefined ? tableNamesFromPrefix(options.tablePrefix) : undefined);
    if (!tables) throw new Error('openDynamoStore: give `tables` or `tablePrefix`');
    this.tables = tables;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.retry = options.retry ?? defaultRetry;
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private get ctx() {
    return { doc: this.doc, tables: this.tables, retry: this.retry, projectionDays: this.options.projectionRetentionDays };
  }

  // ---- generations ----

  /** The current generation number (1 until a rebuild switches). */
  async currentGeneration(): Promise<number> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tables.projections, Key: { pk: 'meta', sk: 'meta' }, ConsistentRead: true }));
    return typeof out.Item?.current === 'number' ? out.Item.current : 1;
  }

  /**
   * The projections of the current generation. A handler should take it once
   * per batch, so that planning and commit use the same generation.
   */
  async current(): Promise<DynamoProjections> {
    const maxAge = this.options.generationCacheMs ?? 1000;
    // real time, not the store's (injectable) clock
    if (this.cached && Date.now() - this.cached.at < maxAge) return this.cached.projections;
    const generation = await this.currentGeneration();
    const projections = this.cached?.projections.generation === generation ? this.cached.projections : new DynamoProjections(this.ctx, generation);
    this.cached = { projections, at: Date.now() };
    return projections;
  }

  private async generations(): Promise<Array<{ n: number; scanFrom: number | null }>> {
    const items = await queryAll(this.doc, {
      TableName: this.tables.projections,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'gen' },
      ConsistentRead: true,
    });
    return items.map((i) => ({ n: Number(i.sk), scanFrom: typeof i.scanFrom === 'number' ? i.scanFrom : null }));
  }

  async beginGeneration(rulesHash: string): Promise<DynamoProjections> {
    const current = await this.currentGeneration();
    const gens = await this.generations();
    for (const g of gens) if (g.n !== current) await this.dropData(g.n);
    const next = Math.max(current, ...gens.map((g) => g.n)) + 1;
    await this.doc.send(
      new PutCommand({
        TableName: this.tables.projections,
        Item: { ...genKey(next), n: next, rulesHash, state: 'building', scanFrom: this.now() - this.margin() },
      }),
    );
    const target = new DynamoProjections(this.ctx, next, false);
    this.building.set(next, target);
    return target;
  }

  /**
   * Catch-up pass 1 (events inserted since the rebuild's scan began), then the
   * switch, then pass 2 (events inserted around the switch, which projector
   * invocations that read the old generation number may have missed), then
   * the old generations are deleted. Events handed over twice are harmless:
   * the projector re-folds idempotently.
   */
  async switchTo(generation: number, rulesHash: string, catchUp: (events: StoredEvent[]) => Promise<void>): Promise<void> {
    const gens = await this.generations();
    const gen = gens.find((g) => g.n === generation);
    if (!gen) throw new Error(`generation ${generation} does not exist (was it dropped?)`);
    const target = this.building.get(generation) ?? new DynamoProjections(this.ctx, generation, false);
    const pass1 = this.now();
    await this.catchUpSince(gen.scanFrom ?? 0, catchUp, false);

    const previous = await this.currentGeneration();
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.projections,
        Key: genKey(generation),
        UpdateExpression: 'SET rulesHash = :h, builtAt = :t, #state = :s',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':h': rulesHash, ':t': this.now(), ':s': 'current' },
      }),
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tables.projections,
        Key: { pk: 'meta', sk: 'meta' },
        UpdateExpression: 'SET #current = :g',
        ConditionExpression: 'attribute_not_exists(#current) OR #current = :prev',
        ExpressionAttributeNames: { '#current': 'current' },
        ExpressionAttributeValues: { ':g': generation, ':prev': previous },
      }),
    );
    target.conditional = true;
    this.building.delete(generation);
    this.cached = { projections: target, at: Date.now() };

    await sleep(this.options.settleMs ?? 5000);
    await this.catchUpSince(pass1 - this.margin(), catchUp, true);
    for (const g of gens) if (g.n !== generation) await this.dropData(g.n);
    if (!gens.some((g) => g.n === previous) && previous !== generation) await this.dropData(previous);
  }

  async dropGeneration(generation: number): Promise<void> {
    if (generation === (await this.currentGeneration())) return;
    this.building.delete(generation);
    await this.dropData(generation);
  }

  private async dropData(generation: number): Promise<void> {
    const p = new DynamoProjections(this.ctx, generation, false);
    await p.deleteAll();
    await p.deleteGenerationItem();
  }

  private margin(): number {
    return this.options.catchUpMarginMs ?? 120_000;
  }

  /** Hands events inserted at or after `since` to `fn`, in chunks, grouped by stream and in order. */
  private async catchUpSince(since: number, fn: (events: StoredEvent[]) => Promise<void>, retryConflicts: boolean): Promise<void> {
    let chunk: StoredEvent[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const events = chunk;
      chunk = [];
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn(events);
        } catch (err) {
          if (!(retryConflicts && err instanceof VersionConflictError && attempt < 5)) throw err;
          await sleep(50 * 2 ** attempt);
        }
      }
    };
    for await (const e of orderedWithinTime(this.indexedEvents({ since }))) {
      chunk.push(e);
      if (chunk.length >= CATCH_UP_CHUNK) await flush();
    }
    await flush();
  }

  // ---- event table ----

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

  /** Events in index order (stream, then time), optionally only those inserted at or after `since`. */
  private async *indexedEvents({ since }: { since?: number }): AsyncGenerator<StoredEvent> {
    for (let shard = 0; shard < EVENT_SHARDS; shard++) {
      const pages = queryPages(this.doc, {
        TableName: this.tables.events,
        IndexName: INDEX_BY_SHARD,
        KeyConditionExpression: '#shard = :s',
        ExpressionAttributeNames: { '#shard': 'shard' },
        ExpressionAttributeValues: { ':s': String(shard), ...(since !== undefined ? { ':since': since } : {}) },
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

  // ---- alert ledger ----

  /**
   * Claims each alert once: a conditional write on its id. An alert claimed
   * but not marked published (the publisher died) can be claimed again after
   * the lease, so an occurrence is published at least once and normally once.
   */
  async recordAlerts(alerts: readonly Alert[]): Promise<Alert[]> {
    const now = this.now();
    const expiresAt = Math.floor(now / 1000) + (this.options.alertRetentionDays ?? 90) * 86_400;
    const unique = [...new Map(alerts.map((a) => [a.id, a])).values()];
    const claimed = await mapLimit(unique, 16, async (a) => {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key: { pk: 'alert', sk: a.id },
            UpdateExpression: `SET a = :a, st = :pending, claimedAt = :now, raisedAt = if_not_exists(raisedAt, :now), ${TTL_ATTRIBUTE} = :exp`,
            ConditionExpression: 'attribute_not_exists(pk) OR (st = :pending AND claimedAt < :lease)',
            ExpressionAttributeValues: {
              ':a': JSON.stringify(a),
              ':pending': 'pending',
              ':now': now,
              ':exp': expiresAt,
              ':lease': now - (this.options.alertLeaseMs ?? 60_000),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { alert: a, raisedAt: Number(out.Attributes?.raisedAt ?? now) };
      } catch (err) {
        if (isConditionalCheckFailed(err)) return null;
        throw err;
      }
    });
    const fresh = claimed.filter((c): c is { alert: Alert; raisedAt: number } => c !== null);
    await batchWrite(
      this.doc,
      this.tables.ledger,
      fresh.flatMap(({ alert, raisedAt }) => [
        { put: { pk: `alertlog#${utcDate(raisedAt)}`, sk: `${padTime(raisedAt)}|${alert.id}`, a: JSON.stringify(alert), [TTL_ATTRIBUTE]: expiresAt } },
        { put: { pk: 'alertpending', sk: alert.id, a: JSON.stringify(alert), [TTL_ATTRIBUTE]: expiresAt } },
      ]),
      this.retry,
    );
    return fresh.map((c) => c.alert);
  }

  /** Marks claimed alerts as delivered: they are not claimed again. */
  async markAlertsPublished(ids: readonly string[]): Promise<void> {
    await mapLimit(ids, 16, (id) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tables.ledger,
          Key: { pk: 'alert', sk: id },
          UpdateExpression: 'SET st = :published',
          ExpressionAttributeValues: { ':published': 'published' },
        }),
      ),
    );
    await batchWrite(this.doc, this.tables.ledger, ids.map((id) => ({ delete: { pk: 'alertpending', sk: id } })), this.retry);
  }

  /** Gives claimed alerts up after a failed delivery, so that a retry claims them at once. */
  async releaseAlerts(ids: readonly string[]): Promise<void> {
    await mapLimit(ids, 16, async (id) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key: { pk: 'alert', sk: id },
            UpdateExpression: 'SET claimedAt = :zero',
            ConditionExpression: 'st = :pending',
            ExpressionAttributeValues: { ':zero': 0, ':pending': 'pending' },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    });
  }

  /**
   * Claims again the alerts that were claimed but never marked published
   * (the publisher crashed) once their lease ran out: the sweep delivers them.
   */
  async reclaimStaleAlerts(): Promise<Alert[]> {
    const now = this.now();
    const pending = await queryAll(this.doc, {
      TableName: this.tables.ledger,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'alertpending' },
    });
    const claimed = await mapLimit(pending, 16, async (item) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key: { pk: 'alert', sk: item.sk as string },
            UpdateExpression: 'SET claimedAt = :now',
            ConditionExpression: 'st = :pending AND claimedAt < :lease',
            ExpressionAttributeValues: { ':now': now, ':pending': 'pending', ':lease': now - (this.options.alertLeaseMs ?? 60_000) },
          }),
        );
        return JSON.parse(item.a as string) as Alert;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return null;
        throw err;
      }
    });
    return claimed.filter((a): a is Alert => a !== null);
  }

  async recentAlerts(limit: number): Promise<Alert[]> {
    const out: Alert[] = [];
    const today = this.now();
    for (let d = 0; d < ALERT_LOG_DAYS_SCANNED && out.length < limit; d++) {
      for await (const page of queryPages(this.doc, {
        TableName: this.tables.ledger,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `alertlog#${utcDate(today - d * 86_400_000)}` },
        ScanIndexForward: false,
        Limit: limit - out.length,
      })) {
        for (const i of page) if (out.length < limit) out.push(JSON.parse(i.a as string) as Alert);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  // ---- projections of the current generation ----

  async meta(): Promise<ProjectionMeta> {
    return (await this.current()).meta();
  }
  async claimRules(rulesHash: string): Promise<void> {
    return (await this.current()).claimRules(rulesHash);
  }
  async getAgents(agentArns: readonly string[]): Promise<Map<string, AgentRecord>> {
    return (await this.current()).getAgents(agentArns);
  }
  async snapshotBefore(agentArn: string, sortKey: string): Promise<AgentSnapshot | null> {
    return (await this.current()).snapshotBefore(agentArn, sortKey);
  }
  async getContactVersions(keys: ReadonlyArray<{ instanceArn: string; contactId: string }>): Promise<Map<string, number>> {
    return (await this.current()).getContactVersions(keys);
  }
  async listAgents(): Promise<AgentState[]> {
    return (await this.current()).listAgents();
  }
  async *intervals(query: IntervalQuery): AsyncIterable<Interval> {
    yield* (await this.current()).intervals(query);
  }
  async *tallies(query: TallyQuery): AsyncIterable<Tally> {
    yield* (await this.current()).tallies(query);
  }
  async *contacts(query: ContactQuery): AsyncIterable<ContactProjection> {
    yield* (await this.current()).contacts(query);
  }
  async commit(writes: ProjectionWrites): Promise<void> {
    return (await this.current()).commit(writes);
  }

  /** Deletes an item of the ledger (tests and maintenance). */
  async deleteLedgerItem(key: Key): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tables.ledger, Key: key }));
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

/** Opens the DynamoDB store (no I/O until first use). */
export function openDynamoStore(options: DynamoStoreOptions): DynamoStore {
  const client =
    options.client ??
    new DynamoDBClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  return new DynamoStore(client, options);
}
