import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from './codec.js';

export type Key = { pk: string; sk: string };
export type WriteRequest = { put: Item & Key } | { delete: Key };

/** BatchWriteItem takes at most 25 requests, with no key twice. */
const WRITE_CHUNK = 25;
/** BatchGetItem takes at most 100 keys. */
const GET_CHUNK = 100;
const MAX_ATTEMPTS = 12;

export interface RetryOptions {
  /** first back-off in ms, doubled per attempt with jitter, capped at 5 s */
  baseDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const defaultRetry: RetryOptions = { baseDelayMs: 50 };

export class DynamoBatchError extends Error {
  override name = 'DynamoBatchError';
}

export function backoff(attempt: number, options: RetryOptions): Promise<void> {
  const cap = Math.min(5_000, options.baseDelayMs * 2 ** attempt);
  const ms = cap / 2 + Math.random() * (cap / 2);
  return (options.sleep ?? sleep)(ms);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const keyOf = (k: Key) => `${k.pk}\u0000${k.sk}`;

/**
 * Writes with BatchWriteItem, 25 requests per call, retrying UnprocessedItems
 * with exponential back-off. When a key appears twice, the later request wins
 * (a put after a delete of the same key replaces it).
 */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
  options: RetryOptions = defaultRetry,
  concurrency = 4,
): Promise<void> {
  if (requests.length === 0) return;
  const last = new Map<string, WriteRequest>();
  for (const r of requests) {
    const k = keyOf('put' in r ? r.put : r.delete);
    last.delete(k); // keep the order of the latest request
    last.set(k, r);
  }
  const unique = [...last.values()];
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < unique.length; i += WRITE_CHUNK) chunks.push(unique.slice(i, i + WRITE_CHUNK));
  await mapLimit(chunks, concurrency, (chunk) => writeChunk(doc, table, chunk, options));
}

async function writeChunk(doc: DynamoDBDocumentClient, table: string, chunk: WriteRequest[], options: RetryOptions): Promise<void> {
  let pending = chunk.map((r) => ('put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
  for (let attempt = 0; ; attempt++) {
    const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    const left = out.UnprocessedItems?.[table] ?? [];
    if (left.length === 0) return;
    if (attempt + 1 >= MAX_ATTEMPTS) throw new DynamoBatchError(`BatchWriteItem on ${table}: ${left.length} items still unprocessed after ${MAX_ATTEMPTS} attempts`);
    pending = left as typeof pending;
    await backoff(attempt, options);
  }
}

/** Reads items by key with BatchGetItem, 100 keys per call, retrying UnprocessedKeys. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  options: RetryOptions & { consistent?: boolean; projection?: string } = defaultRetry,
): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
  const chunks: Key[][] = [];
  for (let i = 0; i < unique.length; i += GET_CHUNK) chunks.push(unique.slice(i, i + GET_CHUNK));
  const parts = await mapLimit(chunks, 4, async (chunk) => {
    const items: Item[] = [];
    let pending: Key[] = chunk;
    for (let attempt = 0; ; attempt++) {
      const out = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: options.consistent ?? false,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            },
          },
        }),
      );
      items.push(...((out.Responses?.[table] ?? []) as Item[]));
      const left = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
      if (left.length === 0) return items;
      if (attempt + 1 >= MAX_ATTEMPTS) throw new DynamoBatchError(`BatchGetItem on ${table}: ${left.length} keys still unprocessed`);
      pending = left;
      await backoff(attempt, options);
    }
  });
  return parts.flat();
}

/** Every page of a Query, lazily. */
export async function* queryPages(doc: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield (out.Items ?? []) as Item[];
    start = out.LastEvaluatedKey;
  } while (start);
}

export async function* queryItems(doc: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item> {
  for await (const page of queryPages(doc, input)) yield* page;
}

export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const out: Item[] = [];
  for await (const page of queryPages(doc, input)) out.push(...page);
  return out;
}

/** Maps with at most `limit` calls in flight; results in input order. The first error rejects. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Like mapLimit, but collects every outcome instead of stopping at the first error. */
export async function settleLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<Array<{ ok: true; value: R } | { ok: false; error: unknown }>> {
  return mapLimit(items, limit, async (item, i) => {
    try {
      return { ok: true as const, value: await fn(item, i) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
