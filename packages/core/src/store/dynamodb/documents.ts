import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentQuery, DocumentWrite, StoredDocument } from '../ports.js';
import { batchGet, isConditionalCheckFailed, mapLimit, queryItems, type Key } from './batch.js';
import { shardOf, unpackJson, withCheapestText, type Item } from './codec.js';
import type { ProjectionContext } from './context.js';
import { DOCUMENT_SHARDS } from './schema.js';
import { dayIndexAttributes, FiledRange, itemsByDay } from './time-index.js';

const WRITE_CONCURRENCY = 16;

/**
 * The documents of one generation (the projections kept as the latest
 * document per key) in the projections table: g<N>#doc#<shard> /
 * <projection>#<key>, filed in the byDay index by their time when they have one.
 */
export class DynamoDocuments {
  private readonly ranges = new Map<string, FiledRange>();

  constructor(
    private readonly ctx: ProjectionContext,
    private readonly generation: number,
    private readonly generationKey: Key,
    private readonly generationItem: () => Promise<Item | undefined>,
    private readonly expiry: (ms: number) => Item,
  ) {}

  private key(projection: string, key: string): Key {
    const sk = `${projection}#${key}`;
    return { pk: this.shardPk(shardOf(sk, DOCUMENT_SHARDS)), sk };
  }

  private shardPk(shard: number): string {
    return `g${this.generation}#doc#${shard}`;
  }

  private range(projection: string): FiledRange {
    let r = this.ranges.get(projection);
    if (!r) {
      r = new FiledRange(this.ctx.doc, this.ctx.tables.projections, this.generationKey, this.generation, { min: `min#${projection}`, max: `max#${projection}` });
      this.ranges.set(projection, r);
    }
    return r;
  }

  async get(projection: string, keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    const items = await batchGet(
      this.ctx.doc,
      this.ctx.tables.projections,
      keys.map((k) => this.key(projection, k)),
      { ...this.ctx.retry, consistent: true },
    );
    return new Map(items.map((i) => [i.dk as string, toDocument(i)]));
  }

  async *list(projection: string, query: DocumentQuery = {}): AsyncGenerator<StoredDocument> {
    if (query.from === undefined && query.to === undefined) {
      const shards = Array.from({ length: DOCUMENT_SHARDS }, (_, i) => i);
      for (const shard of shards) {
        for await (const item of queryItems(this.ctx.doc, {
          TableName: this.ctx.tables.projections,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': this.shardPk(shard), ':p': `${projection}#` },
        })) {
          yield toDocument(item);
        }
      }
      return;
    }
    const range = await this.range(projection).get(this.generationItem, true);
    if (!range) return;
    const from = Math.max(query.from ?? -Infinity, range.min);
    const to = Math.min(query.to ?? Infinity, range.max + 1);
    if (!(from < to)) return;
    for await (const item of itemsByDay(this.ctx.doc, this.ctx.tables.projections, this.dayPrefix(projection), from, to)) {
      const d = toDocument(item);
      if (d.at !== null && d.at >= from && d.at < to) yield d;
    }
  }

  private dayPrefix(projection: string): string {
    return `g${this.generation}#${projection}`;
  }

  /**
   * Puts and deletes; when `conditional`, each on the version read before
   * planning. A put of the document exactly as read at its expected version is
   * skipped (a fold that changed nothing kept, e.g. a contact event repeating
   * what the document holds): folds are blind to order, so whatever another
   * writer committed meanwhile already equals the fold of both writers' events.
   * Returns the documents that lost a race.
   */
  async write(writes: readonly DocumentWrite[], conditional: boolean): Promise<string[]> {
    if (writes.length === 0) return [];
    const conflicts: string[] = [];
    await mapLimit(writes, WRITE_CONCURRENCY, async (w) => {
      const Key = this.key(w.projection, w.key);
      const condition = !conditional
        ? {}
        : w.expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'ver = :v', ExpressionAttributeValues: { ':v': w.expectedVersion } };
      try {
        if (w.doc === null) {
          await this.ctx.doc.send(new DeleteCommand({ TableName: this.ctx.tables.projections, Key, ...condition }));
          return;
        }
        const item = withCheapestText(
          {
            ...Key,
            dp: w.projection,
            dk: w.key,
            ver: w.version,
            ...(w.at === null ? {} : { at: w.at, ...dayIndexAttributes(this.dayPrefix(w.projection), w.at, w.key), ...this.expiry(w.at) }),
          },
          'd',
          JSON.stringify(w.doc),
        );
        await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tables.projections, Item: item, ...condition }));
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
        conflicts.push(`${w.projection}/${w.key}`);
      }
    });
    const filed = new Map<string, { min: number; max: number }>();
    for (const w of writes) {
      if (w.doc === null || w.at === null) continue;
      const r = filed.get(w.projection);
      if (r) {
        r.min = Math.min(r.min, w.at);
        r.max = Math.max(r.max, w.at);
      } else filed.set(w.projection, { min: w.at, max: w.at });
    }
    for (const [projection, r] of filed) await this.range(projection).extend(this.generationItem, r.min, r.max);
    return conflicts;
  }

  /** Every document item's key (to delete the generation). */
  async *keys(): AsyncGenerator<Key> {
    for (let shard = 0; shard < DOCUMENT_SHARDS; shard++) {
      for await (const item of queryItems(this.ctx.doc, {
        TableName: this.ctx.tables.projections,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': this.shardPk(shard) },
        ProjectionExpression: 'pk, sk',
      })) {
        yield { pk: item.pk as string, sk: item.sk as string };
      }
    }
  }
}

function toDocument(item: Item): StoredDocument {
  return { key: item.dk as string, doc: unpackJson(item, 'd'), at: typeof item.at === 'number' ? item.at : null, version: Number(item.ver) };
}
