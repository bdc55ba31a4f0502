/**
 * Lambda-shaped events for handler tests: DynamoDB stream records read from
 * DynamoDB Local's Streams API (DescribeStream / GetShardIterator /
 * GetRecords) and converted to the JSON Lambda delivers (binary as base64,
 * times as epoch seconds, eventSourceARN set); SDK middleware that injects
 * faults or counts write requests.
 */
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const lambdaContext = (name: string): Context =>
  ({
    functionName: `switchboard-test-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:012345678901:function:switchboard-test-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/switchboard-test-${name}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

/** Converts SDK values to Lambda's event JSON: bytes -> base64, Date -> epoch seconds. */
function toLambdaJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (Array.isArray(value)) return value.map(toLambdaJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toLambdaJson(v)]));
  return value;
}

/** Reads a table's stream from where it left off, across shards, like an event source mapping. */
export class StreamReader {
  private iterators = new Map<string, string | undefined>();

  constructor(
    private readonly client: DynamoDBStreamsClient,
    readonly streamArn: string,
  ) {}

  /** Every record written since the previous call, in shard order. */
  async read(): Promise<DynamoDBRecord[]> {
    const { StreamDescription } = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    const out: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId!;
      let iterator = this.iterators.get(id);
      if (!this.iterators.has(id)) {
        const it = await this.client.send(new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }));
        iterator = it.ShardIterator;
      }
      while (iterator) {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        for (const r of page.Records ?? []) out.push(this.toLambda(r));
        iterator = page.NextShardIterator;
        if ((page.Records ?? []).length === 0) break;
      }
      this.iterators.set(id, iterator);
    }
    return out;
  }

  private toLambda(r: StreamRecord): DynamoDBRecord {
    return { ...(toLambdaJson(r) as DynamoDBRecord), eventSourceARN: this.streamArn };
  }
}

/** Lambda hands the records over in batches (100 by default). */
export function streamEvents(records: readonly DynamoDBRecord[], batchSize = 100): DynamoDBStreamEvent[] {
  const out: DynamoDBStreamEvent[] = [];
  for (let i = 0; i < records.length; i += batchSize) out.push({ Records: records.slice(i, i + batchSize) });
  return out;
}

type Next = (args: { input: Record<string, any> }) => Promise<{ output: any; response: unknown }>;
type Ctx = { commandName?: string };

/**
 * Throws a throttling error for calls `when` selects, inside the SDK's retry
 * loop (so its retry strategy sees a real throttle). `when` sees the
 * marshalled input: attribute values as {S: ...}; see `attr`.
 */
export function injectThrottling(client: DynamoDBClient, when: (command: string, input: Record<string, any>) => boolean, name = 'throttle'): () => void {
  client.middlewareStack.add(
    ((next: Next, context: Ctx) => async (args: { input: Record<string, any> }) => {
      if (when(context.commandName ?? '', args.input)) {
        const err = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
        throw err;
      }
      return next(args);
    }) as never,
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return () => client.middlewareStack.remove(name);
}

/** Times out the calls `when` selects, as the SDK's HTTP handler does when a socket stalls (the SDK retries it). */
export function injectTimeout(client: DynamoDBClient, when: (command: string, input: Record<string, any>) => boolean, name = 'timeout'): () => void {
  client.middlewareStack.add(
    ((next: Next, context: Ctx) => async (args: { input: Record<string, any> }) => {
      if (when(context.commandName ?? '', args.input)) {
        throw Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError', $metadata: {} });
      }
      return next(args);
    }) as never,
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return () => client.middlewareStack.remove(name);
}

/** A string attribute of a marshalled item. */
export const attr = (item: unknown, name: string): string | undefined => (item as Record<string, { S?: string }> | undefined)?.[name]?.S;

/** Fails calls `when` selects with an error the SDK does not retry (a crash of the caller). */
export function injectCrash(client: DynamoDBClient, when: (command: string, input: Record<string, any>) => boolean, name = 'crash'): () => void {
  client.middlewareStack.add(
    ((next: Next, context: Ctx) => async (args: { input: Record<string, any> }) => {
      if (when(context.commandName ?? '', args.input)) throw Object.assign(new Error('Lambda crashed (test)'), { name: 'SimulatedCrash' });
      return next(args);
    }) as never,
    { step: 'initialize', priority: 'high', name },
  );
  return () => client.middlewareStack.remove(name);
}

export interface WriteCounts {
  /** API calls that write: PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems */
  calls: number;
  /** items written (a BatchWriteItem of 25 counts 25): DynamoDB's "write requests" */
  items: number;
  /** write capacity units DynamoDB reported consumed (tables and indexes) */
  capacity: number;
  byCommand: Record<string, { calls: number; items: number; capacity: number }>;
  /** items written by what they are: the table, and in the projections table the kind of item (agents, out, snap, contact, doc, gen...) */
  byKind: Record<string, number>;
  /** HTTP attempts, retries included */
  attempts: number;
  /** read calls (GetItem, BatchGetItem, Query, Scan) and the read capacity units DynamoDB reported */
  reads: { calls: number; capacity: number };
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);

/** What a written item is: <table suffix>[:<kind of projections item>] from its table and partition key. */
function kindOf(table: string, pk: unknown): string {
  const name = table.replace(/^.*?-(?=[a-z]+$)/, '');
  const text = typeof pk === 'string' ? pk : typeof pk === 'object' && pk !== null && 'S' in pk ? String((pk as { S: unknown }).S) : '';
  const kind = /^g\d+#([a-z]+)/i.exec(text)?.[1] ?? /^[a-z]+/i.exec(text)?.[0] ?? '';
  return kind ? `${name}:${kind}` : name;
}

function kindsOf(command: string, input: Record<string, any>): string[] {
  if (command === 'BatchWriteItemCommand') {
    return Object.entries(input.RequestItems as Record<string, any[]>).flatMap(([t, l]) => l.map((r) => kindOf(t, (r.PutRequest?.Item ?? r.DeleteRequest?.Key)?.pk)));
  }
  if (command === 'TransactWriteItemsCommand') {
    return (input.TransactItems as any[]).map((t) => {
      const op = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck;
      return kindOf(op.TableName, (op.Item ?? op.Key)?.pk);
    });
  }
  return [kindOf(input.TableName, (input.Item ?? input.Key)?.pk)];
}

function capacityOf(output: any): number {
  const consumed = output?.ConsumedCapacity;
  let n = 0;
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) n += Number(c.CapacityUnits ?? 0);
  return n;
}

/** Counts write requests and consumed capacity on a client (asks DynamoDB to report it). */
export function countWrites(client: DynamoDBClient): { counts: WriteCounts; reset(): void } {
  const counts: WriteCounts = { calls: 0, items: 0, capacity: 0, byCommand: {}, byKind: {}, attempts: 0, reads: { calls: 0, capacity: 0 } };
  client.middlewareStack.add(
    ((next: Next, context: Ctx) => async (args: { input: Record<string, any> }) => {
      const command = context.commandName ?? '';
      if (READ_COMMANDS.has(command)) {
        counts.reads.calls++;
        const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'INDEXES' } });
        counts.reads.capacity += capacityOf(result.output);
        return result;
      }
      if (!WRITE_COMMANDS.has(command)) return next(args);
      const input: Record<string, any> = { ...args.input, ReturnConsumedCapacity: 'INDEXES' };
      const items =
        command === 'BatchWriteItemCommand'
          ? Object.values(input.RequestItems as Record<string, unknown[]>).reduce((n, l) => n + l.length, 0)
          : command === 'TransactWriteItemsCommand'
            ? (input.TransactItems as unknown[]).length
            : 1;
      const entry = (counts.byCommand[command.replace(/Command$/, '')] ??= { calls: 0, items: 0, capacity: 0 });
      for (const kind of kindsOf(command, input)) counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
      entry.calls++;
      counts.calls++;
      let result: Awaited<ReturnType<Next>> | undefined;
      let capacity = 0;
      try {
        result = await next({ ...args, input });
        capacity += capacityOf(result.output);
      } catch (err) {
        // a failed conditional write still consumes capacity (1 unit); count the item
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') capacity += 1;
        throw err;
      } finally {
        const unprocessed =
          command === 'BatchWriteItemCommand' && result
            ? Object.values((result.output?.UnprocessedItems ?? {}) as Record<string, unknown[]>).reduce((n, l) => n + l.length, 0)
            : 0;
        entry.items += items - unprocessed;
        counts.items += items - unprocessed;
        entry.capacity += capacity;
        counts.capacity += capacity;
      }
      return result;
    }) as never,
    { step: 'initialize', priority: 'low', name: 'countWrites' },
  );
  client.middlewareStack.add(
    ((next: Next, context: Ctx) => async (args: { input: Record<string, any> }) => {
      if (WRITE_COMMANDS.has(context.commandName ?? '')) counts.attempts++;
      return next(args);
    }) as never,
    { step: 'finalizeRequest', priority: 'low', name: 'countAttempts' },
  );
  return {
    counts,
    reset() {
      Object.assign(counts, { calls: 0, items: 0, capacity: 0, byCommand: {}, byKind: {}, attempts: 0, reads: { calls: 0, capacity: 0 } });
    },
  };
}
