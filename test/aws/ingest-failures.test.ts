/**
 * The failure path of the Kinesis event source mapping, offline: the ingest
 * handler on DynamoDB Local, driven by a stand-in for Lambda's mapping (in
 * order; on batch item failures, retry from the lowest one reported; skip a
 * batch after its retries), with the dead-letter queue mocked (no local SQS).
 * A record that always fails ends up in the queue with its reason and data;
 * the other records are stored once, and project like the local engine fed
 * the same records less the poison one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX = 'unused-';
});

/** A record carrying this marker makes the whole batch's ingest throw (a bug no record is blamed for). */
const BATCH_BREAKER = 'breaks-the-batch';
vi.mock('@switchboard/core', async (importOriginal) => {
  const core = await importOriginal<typeof import('@switchboard/core')>();
  return {
    ...core,
    ingestCandidates: (async (store, candidates, receivedAt) => {
      if (candidates.some((c) => String(c.raw).includes(BATCH_BREAKER))) throw new TypeError("Cannot read properties of undefined (reading 'Agent')");
      return core.ingestCandidates(store, candidates, receivedAt);
    }) satisfies typeof core.ingestCandidates,
  };
});

import type { KinesisStreamRecord } from 'aws-lambda';
import { SendMessageCommand, SQSClient, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { Engine, expandEnvelope, handleApi, parseRules } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { eventStreamArn } from '@switchboard/core/dynamodb';
import { handler as ingest } from '../../packages/functions/src/ingest.js';
import { handler as project } from '../../packages/functions/src/project.js';
import { PARK_AFTER_ATTEMPTS, type DeadLetter } from '../../packages/functions/src/shared/ingest-batch.js';
import { configureRuntime, runtime } from '../../packages/functions/src/shared/runtime.js';
import { LOCAL_CREDENTIALS, startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { attr, injectCrash, injectThrottling, lambdaContext, StreamReader, streamEvents } from '../support/lambda.js';
import { agentShift, contactRecord, kinesisEvent } from '../support/payloads.js';

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);
const RULES = parseRules({ timezone: 'Asia/Tokyo' });
const QUEUE_URL = 'https://sqs.us-west-2.amazonaws.com/012345678901/switchboard-test-IngestDeadLetters';
const ENDPOINTS = ['/api/agents', '/api/intervals', '/api/contacts'];

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

async function freshEnv(options: { queue?: boolean; refusedSends?: number } = {}) {
  const tables = await local.createTables();
  const client = local.client({ maxAttempts: 2 });
  const sqsClient = new SQSClient({ region: 'us-west-2', credentials: LOCAL_CREDENTIALS });
  const sqs = mockClient(sqsClient);
  const letters: DeadLetter[] = [];
  let refusals = options.refusedSends ?? 0;
  sqs.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) => {
    expect(input.QueueUrl).toBe(QUEUE_URL);
    if (refusals-- > 0) throw Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' });
    letters.push(JSON.parse(input.MessageBody!) as DeadLetter);
    return { MessageId: `m${letters.length}` };
  });
  configureRuntime({
    dynamo: client,
    sqs: sqsClient,
    store: { settleMs: 0, generationCacheMs: 0, retry: { baseDelayMs: 1 } },
    config: { tables, rules: RULES, busName: null, deadLetterQueueUrl: options.queue === false ? null : QUEUE_URL },
  });
  const reader = new StreamReader(local.streams(), await eventStreamArn(client, tables));
  return {
    client,
    letters,
    async project() {
      for (const e of streamEvents(await reader.read())) await project(e, lambdaContext('project'));
    },
  };
}

/**
 * Lambda's Kinesis mapping, as documented: batches in order; when the function
 * reports batch item failures, the next batch starts at the lowest one
 * reported; after `retries` retries of a batch it is skipped (its position
 * goes to the on-failure destination). Stops after `maxInvocations`.
 */
async function runMapping(records: readonly KinesisStreamRecord[], { batchSize = 100, retries = 10, maxInvocations = 100 } = {}) {
  let position = 0;
  let invocations = 0;
  const skipped: KinesisStreamRecord[][] = [];
  while (position < records.length && invocations < maxInvocations) {
    let attempt = 0;
    for (;;) {
      const batch = records.slice(position, position + batchSize);
      invocations++;
      const { batchItemFailures } = await ingest({ Records: batch }, lambdaContext('ingest'));
      if (batchItemFailures.length === 0) {
        position += batch.length;
        break;
      }
      const lowest = Math.min(...batchItemFailures.map((f) => batch.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier)));
      expect(lowest).toBeGreaterThanOrEqual(0);
      position += lowest;
      if (lowest === 0 && ++attempt > retries) {
        skipped.push(records.slice(position, position + batchSize));
        position += batchSize;
        break;
      }
      if (invocations >= maxInvocations) break;
    }
  }
  return { invocations, skipped, position };
}

/** What the local engine on SQLite answers for the same records. */
async function expected(records: readonly KinesisStreamRecord[]) {
  const sqlite = SqliteStore.open(':memory:');
  const engine = new Engine(sqlite, RULES);
  await engine.ingestBatch(records.flatMap((r, i) => [...expandEnvelope(r, '', { origin: 'lambda', path: `Records[${i}]` })]));
  const out: Record<string, unknown> = {};
  for (const path of ENDPOINTS) out[path] = (await handleApi({ projections: sqlite, events: sqlite, rules: RULES }, 'GET', path, new URLSearchParams())).body;
  const counts = await sqlite.counts();
  sqlite.close();
  return { views: out, events: counts.events };
}

async function actual() {
  const rt = runtime();
  const out: Record<string, unknown> = {};
  for (const path of ENDPOINTS) out[path] = (await handleApi({ projections: await rt.store.current(), events: rt.store, rules: RULES }, 'GET', path, new URLSearchParams())).body;
  return out;
}

function traffic(): KinesisStreamRecord[] {
  return kinesisEvent([
    ...agentShift('alice', T0),
    ...agentShift('bob', T0 + 30_000),
    contactRecord({ id: 'c1', initiated: T0 + 40_000, disconnected: T0 + 400_000, exitPoint: 'sales' }),
    contactRecord({ id: 'c2', initiated: T0 + 70_000, kind: 'ivr-abandon', exitPoint: 'menu' }),
  ]).Records;
}

/** Every write of this event fails with an error that is not transient (a crash of the caller, as the SDK sees it). */
function crashOn(client: ReturnType<DynamoLocal['client']>, eventId: string): void {
  // at the SDK's first step the document client's input is not marshalled yet
  const sk = (item: any): string | undefined => (typeof item?.sk === 'string' ? item.sk : attr(item, 'sk'));
  injectCrash(client, (cmd, input) => cmd === 'PutItemCommand' && sk(input.Item)?.endsWith(`|${eventId}`) === true);
}

const dataOf = (r: KinesisStreamRecord) => Buffer.from(r.kinesis.data, 'base64').toString();
const recordWith = (records: readonly KinesisStreamRecord[], eventId: string) => records.find((r) => dataOf(r).includes(`"EventId":"${eventId}"`))!;

describe('a record that keeps failing', () => {
  it('is parked in the dead-letter queue with its reason and data; its shard moves on; every other record is stored once', async () => {
    const env = await freshEnv();
    const records = traffic();
    const poison = recordWith(records, 'alice-ev-5');
    crashOn(env.client, 'alice-ev-5');

    const run = await runMapping(records);
    expect(run.skipped).toEqual([]);
    expect(run.position).toBe(records.length);
    // PARK_AFTER_ATTEMPTS attempts, the last of which parks it; the records held back behind it in that
    // attempt (the same agent's later events) are stored by the next delivery
    expect(run.invocations).toBe(PARK_AFTER_ATTEMPTS + 1);

    expect(env.letters).toHaveLength(1);
    const [letter] = env.letters;
    expect(letter).toMatchObject({ reason: 'SimulatedCrash: Lambda crashed (test)', attempts: PARK_AFTER_ATTEMPTS });
    expect(letter!.record).toEqual(poison); // the record as Lambda delivered it: redrive with {"Records":[record]}
    expect(dataOf(letter!.record)).toContain('"EventId":"alice-ev-5"');

    const rest = records.filter((r) => r !== poison);
    const want = await expected(rest);
    expect((await runtime().store.counts()).events).toBe(want.events);
    expect(want.events).toBe(records.length - 1);
    await env.project();
    expect(await actual()).toEqual(want.views);
  });

  it('is narrowed down when the batch fails as a whole, then parked; the others are stored once', async () => {
    const env = await freshEnv();
    const records = traffic();
    const breaker = kinesisEvent([{ ...JSON.parse(dataOf(records[3]!)), Note: BATCH_BREAKER }], { firstSequence: BigInt(records[3]!.kinesis.sequenceNumber) * 10n }).Records[0]!;
    const withBreaker = [...records.slice(0, 10), breaker, ...records.slice(10)];
    const run = await runMapping(withBreaker);
    expect(run.skipped).toEqual([]);
    expect(env.letters.map((l) => [l.reason, l.attempts, l.record.kinesis.sequenceNumber])).toEqual([
      ["TypeError: Cannot read properties of undefined (reading 'Agent')", PARK_AFTER_ATTEMPTS, breaker.kinesis.sequenceNumber],
    ]);
    const want = await expected(records);
    expect((await runtime().store.counts()).events).toBe(want.events);
    await env.project();
    expect(await actual()).toEqual(want.views);
  });

  it('is retried, not dropped, while the queue cannot take it, and parked once it can', async () => {
    const env = await freshEnv({ refusedSends: 1 });
    const records = traffic().slice(0, 8);
    crashOn(env.client, 'alice-ev-3');
    const run = await runMapping(records);
    expect(run.invocations).toBe(PARK_AFTER_ATTEMPTS + 2); // one more attempt than above: the first park failed
    expect(env.letters.map((l) => l.attempts)).toEqual([PARK_AFTER_ATTEMPTS + 1]);
    expect((await runtime().store.counts()).events).toBe(records.length - 1);
  });

  it('is never dropped without a dead-letter queue: it holds its shard until the mapping gives up on the batch', async () => {
    const env = await freshEnv({ queue: false });
    const records = traffic().slice(0, 8);
    crashOn(env.client, 'alice-ev-3');
    const run = await runMapping(records, { retries: 4 });
    expect(env.letters).toEqual([]);
    expect(run.invocations).toBe(1 + 1 + 4); // the delivery that reaches it, then the batch it starts: tried once, retried 4 times
    expect(run.skipped.map((b) => b[0])).toEqual([recordWith(records, 'alice-ev-3')]);
  });
});

describe('transient failures', () => {
  it('are retried without counting towards parking: a long throttle parks nothing and loses nothing', async () => {
    const env = await freshEnv();
    const records = traffic();
    let throttled = 0;
    const victim = 'bob-ev-4';
    injectThrottling(env.client, (cmd, input) => cmd === 'PutItemCommand' && attr(input.Item, 'sk')?.endsWith(`|${victim}`) === true && ++throttled <= 2 * (PARK_AFTER_ATTEMPTS + 3));
    const run = await runMapping(records);
    expect(run.invocations).toBeGreaterThan(PARK_AFTER_ATTEMPTS + 1); // the shard waited for the throttle to pass
    expect(env.letters).toEqual([]);
    expect(run.skipped).toEqual([]);
    const want = await expected(records);
    expect((await runtime().store.counts()).events).toBe(want.events);
    await env.project();
    expect(await actual()).toEqual(want.views);
  });
});
