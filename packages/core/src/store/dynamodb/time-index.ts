import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { padTime } from '../../parse/record.js';
import { isConditionalCheckFailed, queryItems, type Key } from './batch.js';
import type { Item } from './codec.js';
import { INDEX_BY_DAY } from './schema.js';

const DAY_MS = 86_400_000;

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The attributes that file an item in the byDay index: `day` = <prefix>#<UTC date>, `dsk` = <padded time>|<id>. */
export function dayIndexAttributes(prefix: string, at: number, id: string): Item {
  return { day: `${prefix}#${utcDate(at)}`, dsk: `${padTime(at)}|${id}` };
}

/** Items of the byDay index filed under `prefix` with times in [from, to), day by day. */
export async function* itemsByDay(
  doc: DynamoDBDocumentClient,
  table: string,
  prefix: string,
  from: number,
  to: number,
  filter?: { expression: string; values: Record<string, unknown> },
): AsyncGenerator<Item> {
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    yield* queryItems(doc, {
      TableName: table,
      IndexName: INDEX_BY_DAY,
      KeyConditionExpression: '#day = :day AND dsk BETWEEN :a AND :b',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: {
        ':day': `${prefix}#${utcDate(day)}`,
        ':a': padTime(Math.max(from, day)),
        ':b': padTime(Math.min(to, day + DAY_MS)),
        ...filter?.values,
      },
      ...(filter ? { FilterExpression: filter.expression } : {}),
    });
  }
}

/**
 * The earliest and latest time under which a generation filed items of one
 * kind in the byDay index, kept as two attributes of the generation's item so
 * that readers walk only the days that can hold any.
 */
export class FiledRange {
  private known: { min: number; max: number } | null | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly generationKey: Key,
    private readonly generation: number,
    private readonly attributes: { min: string; max: string },
  ) {}

  /** The range; `fresh` reads it again (other writers, e.g. another Lambda, extend it). */
  async get(generationItem: () => Promise<Item | undefined>, fresh = false): Promise<{ min: number; max: number } | null> {
    if (fresh || this.known === undefined) {
      const item = await generationItem();
      const min = item?.[this.attributes.min];
      const max = item?.[this.attributes.max];
      this.known = typeof min === 'number' && typeof max === 'number' ? { min, max } : null;
    }
    return this.known;
  }

  /**
   * Widens the range to hold [min, max], kept in whole UTC days: readers walk
   * the index day by day anyway, and the range then changes once a day rather
   * than with nearly every batch (two fewer writes per batch).
   */
  async extend(generationItem: () => Promise<Item | undefined>, atMin: number, atMax: number): Promise<void> {
    const min = Math.floor(atMin / DAY_MS) * DAY_MS;
    const max = Math.floor(atMax / DAY_MS) * DAY_MS + DAY_MS - 1;
    const known = await this.get(generationItem);
    const bound = async (attr: string, value: number, op: '>' | '<') => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: this.generationKey,
            UpdateExpression: 'SET #a = :v, n = :n',
            ConditionExpression: `attribute_not_exists(#a) OR #a ${op} :v`,
            ExpressionAttributeNames: { '#a': attr },
            ExpressionAttributeValues: { ':v': value, ':n': this.generation },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    };
    if (!known || min < known.min) await bound(this.attributes.min, min, '>');
    if (!known || max > known.max) await bound(this.attributes.max, max, '<');
    this.known = { min: Math.min(min, known?.min ?? min), max: Math.max(max, known?.max ?? max) };
  }
}
