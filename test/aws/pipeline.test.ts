/**
 * The Lambda handlers against DynamoDB Local with Lambda-shaped events:
 * Kinesis events built from Connect payloads, DynamoDB stream events read from
 * DynamoDB Local's Streams API. EventBridge is mocked (aws-sdk-client-mock).
 * Every scenario ends by comparing the API's answers with the local Engine on
 * SQLite fed the same records: nothing lost, nothing counted twice.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX = 'unused-';
});

import type { KinesisStreamEvent, LambdaFunctionURLEvent } from 'aws-lambda';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { mockClient } from 'aws-sdk-client-mock';
import { Engine, expandEnvelope, handleApi, parseRules, type Alert, type Rules } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { eventStreamArn, type DynamoStore } from '@switchboard/core/dynamodb';
import { handler as ingest } from '../../packages/functions/src/ingest.js';
import { handler as contactEvents } from '../../packages/functions/src/contact-events.js';
import { handler as project } from '../../packages/functions/src/project.js';
import { handler as sweep } from '../../packages/functions/src/sweep.js';
import { handler as api } from '../../packages/functions/src/api.js';
import { handler as timestream } from '../../packages/functions/src/timestream.js';
import { configureRuntime, runtime } from '../../packages/functions/src/shared/runtime.js';
import { LOCAL_CREDENTIALS, startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { attr, injectCrash, injectThrottling, injectTimeout, lambdaContext, StreamReader, streamEvents } from '../support/lambda.js';
import { AGENT_FIXTURES, agentArn, agentEvent, agentShift, CONTACT_FIXTURES, contactEvent, contactRecord, INSTANCE, kinesisEvent, sqsEvent } from '../support/payloads.js';

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);
const RULES = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: { holdSeconds: 60, afterContactWorkSeconds: 120, statusSeconds: { Break: 600 } } });
const TOKEN = 'test-token-0123456789';

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

interface Env {
  store: DynamoStore;
  client: ReturnType<DynamoLocal['client']>;
  reader: StreamReader;
  eventBridge: ReturnType<typeof mockClient>;
  /** entries EventBridge accepted */
  published: PutEventsRequestEntry[];
  /** hands every new stream record to the project handler, 100 per invocation */
  project(): Promise<void>;
  get(path: string, query?: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

interface EnvOptions {
  rules?: Rules;
  now?: () => number;
  auth?: 'iam' | 'token';
  timestream?: { client: TimestreamWriteClient; database: string; table: string; lookbackMinutes: number };
}

async function freshEnv(options: EnvOptions = {}): Promise<Env> {
  const tables = await local.createTables();
  const client = local.client({ maxAttempts: 2 });
  const reader = new StreamReader(local.streams(), await eventStreamArn(client, tables));
  const eb = new EventBridgeClient({ region: 'us-west-2', credentials: LOCAL_CREDENTIALS });
  const eventBridge = mockClient(eb);
  const published: PutEventsRequestEntry[] = [];
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    published.push(...input.Entries);
    return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `ev-${published.length}-${i}` })) };
  });
  configureRuntime({
    dynamo: client,
    eventBridge: eb,
    timestream: options.timestream?.client,
    now: options.now,
    store: { settleMs: 0, generationCacheMs: 0, retry: { baseDelayMs: 1 } },
    config: {
      tables,
      rules: options.rules ?? RULES,
      busName: 'switchboard-test',
      api: { auth: options.auth ?? 'token', token: TOKEN },
      timestream: options.timestream ? { database: options.timestream.database, table: options.timestream.table, lookbackMinutes: options.timestream.lookbackMinutes } : null,
    },
  });
  return {
    store: runtime().store,
    client,
    reader,
    eventBridge: eventBridge as unknown as ReturnType<typeof mockClient>,
    published,
    async project() {
      for (const event of streamEvents(await reader.read())) await project(event, lambdaContext('project'));
    },
    async get(path, query = '', headers = { authorization: `Bearer ${TOKEN}` }) {
      const res = await api(urlEvent(path, query, headers), lambdaContext('api'));
      return { status: res.statusCode ?? 200, body: res.body ? JSON.parse(res.body) : null };
    },
  };
}

function urlEvent(path: string, query = '', headers: Record<string, string> = {}, method = 'GET', iam = false): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers,
    requestContext: {
      accountId: '012345678901',
      apiId: 'abcdefgh',
      domainName: 'abcdefgh.lambda-url.us-west-2.on.aws',
      domainPrefix: 'abcdefgh',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '18/Apr/2024:00:00:00 +0000',
      timeEpoch: T0,
      ...(iam ? { authorizer: { iam: { accessKey: 'AKIA', accountId: '012345678901', callerId: 'AIDA', principalOrgId: null, userArn: 'arn:aws:iam::012345678901:user/ops', userId: 'AIDA' } } } : {}),
    },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

const ENDPOINTS: Array<[string, string]> = [
  ['/api/agents', ''],
  ['/api/intervals', ''],
  ['/api/report', 'bucket=15m'],
  ['/api/report', 'bucket=1h&tz=UTC'],
  ['/api/report/view', 'bucket=15m&offset=1&limit=3'],
  ['/api/contacts', ''],
  ['/api/funnel', ''],
  ['/api/queues', ''],
  ['/api/queues', 'bucket=1h&queue=BasicQueue'],
];

/** What the local Engine on SQLite answers for the same Kinesis batches. */
async function expected(batches: KinesisStreamEvent[], rules = RULES) {
  const sqlite = SqliteStore.open(':memory:');
  const engine = new Engine(sqlite, rules);
  for (const b of batches) await engine.ingestBatch(b.Records.flatMap((r, i) => [...expandEnvelope(r, '', { origin: 'lambda', path: `Records[${i}]` })]));
  const out: Record<string, unknown> = {};
  for (const [path, query] of ENDPOINTS) out[`${path}?${query}`] = (await handleApi({ projections: sqlite, events: sqlite, rules }, 'GET', path, new URLSearchParams(query))).body;
  const alerts = (await sqlite.recentAlerts(10_000)).map((a) => a.id).sort();
  const counts = await sqlite.counts();
  sqlite.close();
  return { views: out, alerts, counts };
}

async function actual(env: Env) {
  const out: Record<string, unknown> = {};
  for (const [path, query] of ENDPOINTS) {
    const res = await env.get(path, query);
    expect(res.status).toBe(200);
    out[`${path}?${query}`] = res.body;
  }
  return out;
}

const publishedIds = (env: Env) => env.published.map((e) => (JSON.parse(e.Detail!) as Alert).id).sort();

/** A realistic mixed batch: the documentation's payloads, two agents' shifts, contact records. */
function traffic(): unknown[] {
  return [
    ...AGENT_FIXTURES,
    ...agentShift('alice', T0),
    ...agentShift('bob', T0 + 30_000),
    ...CONTACT_FIXTURES,
    contactRecord({ id: 'alice-c1', initiated: T0 + 40_000, disconnected: T0 + 400_000, exitPoint: 'sales' }),
    contactRecord({ id: 'walkaway', initiated: T0 + 70_000, kind: 'ivr-abandon', exitPoint: 'menu' }),
    contactRecord({ id: 'queue-drop', initiated: T0 + 90_000, kind: 'queue-abandon', exitPoint: 'support' }),
  ];
}

describe('ingest -> project -> API on DynamoDB Local', () => {
  it('projects Kinesis batches of real payloads like the local engine', async () => {
    const env = await freshEnv();
    const batches = [kinesisEvent(traffic().slice(0, 20)), kinesisEvent(traffic().slice(20), { firstSequence: 50_000_000_000_000_000_000n })];
    for (const b of batches) expect(await ingest(b, lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });
    await env.project();

    const want = await expected(batches);
    expect(await actual(env)).toEqual(want.views);
    expect(want.views['/api/queues?bucket=1h&queue=BasicQueue']).toEqual(expect.arrayContaining([expect.objectContaining({ queueName: 'BasicQueue', contactsAbandoned: 1 })]));
    const agents = (await env.get('/api/agents')).body as Array<{ username: string; loggedIn: boolean }>;
    expect(agents.map((a) => a.username)).toEqual(expect.arrayContaining(['alice', 'bob', 'aestest']));
    const health = (await env.get('/api/health')).body;
    expect(health).toMatchObject({ ok: true, events: want.counts.events, quarantined: 0 });
    // alerts for ended occurrences: the holds (90 s > 60 s), ACW of 160 s > 120 s, the abandoned contacts
    expect(publishedIds(env)).toEqual(want.alerts);
    expect(env.published.map((e) => e.DetailType)).toEqual(expect.arrayContaining(['LongHold', 'LongAfterContactWork', 'ContactAbandoned']));
  });

  it('quarantines poison records without failing or blocking the batch, once', async () => {
    const env = await freshEnv();
    const good = [agentEvent({ agent: 'carol', id: 'carol-1', at: T0, type: 'LOGIN' }), agentEvent({ agent: 'carol', id: 'carol-2', at: T0 + 60_000, status: 'Break' })];
    const batch = kinesisEvent([
      good[0],
      Buffer.from([0xff, 0xfe, 0x00, 0x41]), // not UTF-8
      '{"EventType": "STATE_CH', // cut off
      { hello: 'world' }, // JSON, but not Connect
      { ...agentEvent({ agent: 'carol', id: 'carol-bad', at: T0 }), EventTimestamp: 'yesterday' },
      good[1],
    ]);
    expect(await ingest(batch, lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });
    expect(await ingest(batch, lambdaContext('ingest'))).toEqual({ batchItemFailures: [] }); // redelivered
    const quarantined = await env.store.listQuarantine(10);
    expect(quarantined).toHaveLength(4);
    expect(quarantined.map((q) => q.reason).sort()).toEqual([
      expect.stringMatching(/^Records\[1\]\.data: not valid UTF-8/),
      expect.stringMatching(/^Records\[2\]\.data: not valid JSON/),
      expect.stringMatching(/^agent event: EventTimestamp/),
      expect.stringMatching(/^not a Connect agent event or contact record/),
    ]);
    for (const q of quarantined) expect(q.source).toMatchObject({ origin: 'connect-agent-events', shardId: 'shardId-000000000000' });
    expect(quarantined.find((q) => q.reason.includes('EventTimestamp'))!.raw).toContain('"EventTimestamp":"yesterday"');
    expect(quarantined.find((q) => q.reason.includes('not valid JSON'))!.raw).toBe('{"EventType": "STATE_CH');
    expect(await env.store.counts()).toMatchObject({ events: 2, quarantined: 4 });
    await env.project();
    expect((await env.get('/api/agents')).body).toHaveLength(1);
    expect((await env.get('/api/health')).body).toMatchObject({ events: 2, quarantined: 4 });
  });

  it('treats duplicate batches and redelivered stream batches as no-ops', async () => {
    const env = await freshEnv();
    const records = traffic();
    const b1 = kinesisEvent(records.slice(0, 25));
    const b2 = kinesisEvent(records.slice(15), { firstSequence: 60_000_000_000_000_000_000n }); // overlaps b1 (producer retries)
    await ingest(b1, lambdaContext('ingest'));
    await ingest(b1, lambdaContext('ingest')); // Lambda retried the whole batch
    await ingest(b2, lambdaContext('ingest'));
    const streamRecords = await env.reader.read();
    expect(streamRecords.every((r) => r.eventName === 'INSERT')).toBe(true);
    expect(streamRecords).toHaveLength(records.length); // a duplicate never reaches the stream
    for (const e of streamEvents(streamRecords, 17)) await project(e, lambdaContext('project'));
    for (const e of streamEvents(streamRecords.slice(5, 40), 35)) await project(e, lambdaContext('project')); // redelivered

    const want = await expected([kinesisEvent(records)]);
    expect(await actual(env)).toEqual(want.views);
    expect((await env.get('/api/health')).body.events).toBe(records.length);
    expect(publishedIds(env)).toEqual(want.alerts); // each alert once
  });

  it('reports only throttled records as batch item failures; their retry completes the data', async () => {
    const env = await freshEnv();
    const records = traffic();
    const batch = kinesisEvent(records);
    // transient throttling: the SDK's own retry absorbs it
    let throttled = 0;
    const removeTransient = injectThrottling(env.client, (cmd, input) => cmd === 'PutItemCommand' && attr(input.Item, 'sk')?.endsWith('|alice-ev-2') === true && throttled++ === 0, 'transient');
    // persistent throttling of two records: the handler reports them
    const victims = new Set(['alice-ev-5', 'bob-ev-9']);
    const removePersistent = injectThrottling(env.client, (cmd, input) => cmd === 'PutItemCommand' && victims.has(attr(input.Item, 'sk')?.split('|')[1] ?? ''));
    const res = await ingest(batch, lambdaContext('ingest'));
    removeTransient();
    removePersistent();
    expect(throttled).toBeGreaterThan(1);
    const seqOf = (id: string) => batch.Records.find((r) => Buffer.from(r.kinesis.data, 'base64').toString().includes(`"EventId":"${id}"`))!.kinesis.sequenceNumber;
    // the throttled records, and the later events of the same agents (kept back so that each agent's events reach the projector in order)
    const held = [...Array.from({ length: 11 }, (_, i) => `alice-ev-${i + 5}`), ...Array.from({ length: 7 }, (_, i) => `bob-ev-${i + 9}`)];
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(held.map(seqOf).sort());
    expect((await env.store.counts()).events).toBe(records.length - held.length);

    // Lambda retries from the lowest failed sequence number: those records and every one after them
    const lowest = res.batchItemFailures.map((f) => BigInt(f.itemIdentifier)).sort((a, b) => (a < b ? -1 : 1))[0]!;
    const retry: KinesisStreamEvent = { Records: batch.Records.filter((r) => BigInt(r.kinesis.sequenceNumber) >= lowest) };
    expect(await ingest(retry, lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });
    await env.project();
    const want = await expected([batch]);
    expect(await actual(env)).toEqual(want.views);
    expect((await env.get('/api/health')).body.events).toBe(records.length);
  });

  it('reports records whose writes time out; redelivery completes the data without doubles', async () => {
    const env = await freshEnv();
    const records = traffic();
    const batch = kinesisEvent(records);
    // a stalled connection for one contact record: the SDK retries, then gives up
    let attempts = 0;
    const remove = injectTimeout(env.client, (cmd, input) => cmd === 'PutItemCommand' && attr(input.Item, 'pk')?.endsWith('/walkaway') === true && ++attempts > 0);
    const res = await ingest(batch, lambdaContext('ingest'));
    remove();
    expect(attempts).toBeGreaterThan(1);
    const walkaway = batch.Records.find((r) => Buffer.from(r.kinesis.data, 'base64').toString().includes('"ContactId":"walkaway"'))!;
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: walkaway.kinesis.sequenceNumber }]);
    expect((await env.store.counts()).events).toBe(records.length - 1);
    // Lambda redelivers from the failed record on: everything after it is a duplicate now
    const lowest = BigInt(walkaway.kinesis.sequenceNumber);
    expect(await ingest({ Records: batch.Records.filter((r) => BigInt(r.kinesis.sequenceNumber) >= lowest) }, lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });
    await env.project();
    expect(await actual(env)).toEqual((await expected([batch])).views);
    expect((await env.get('/api/health')).body.events).toBe(records.length);
  });

  it('retries unprocessed items of projection batch writes', async () => {
    const env = await freshEnv();
    let shortened = 0;
    env.client.middlewareStack.add(
      ((next: (a: { input: any }) => Promise<{ output: any }>, context: { commandName?: string }) => async (args: { input: any }) => {
        if (context.commandName !== 'BatchWriteItemCommand' || shortened >= 3) return next(args);
        const [table, requests] = Object.entries(args.input.RequestItems as Record<string, unknown[]>)[0]!;
        if (requests.length < 2) return next(args);
        shortened++;
        const keep = requests.slice(0, Math.ceil(requests.length / 2));
        const result = await next({ ...args, input: { ...args.input, RequestItems: { [table]: keep } } });
        result.output.UnprocessedItems = { [table]: requests.slice(keep.length) };
        return result;
      }) as never,
      { step: 'initialize', name: 'unprocessed' },
    );
    const batch = kinesisEvent(traffic());
    await ingest(batch, lambdaContext('ingest'));
    await env.project();
    env.client.middlewareStack.remove('unprocessed');
    expect(shortened).toBeGreaterThan(0);
    expect(await actual(env)).toEqual((await expected([batch])).views);
  });

  it('survives crashes between append and projection and inside projection: redelivery loses and doubles nothing', async () => {
    const env = await freshEnv();
    const batch = kinesisEvent(traffic());
    await ingest(batch, lambdaContext('ingest'));
    const records = await env.reader.read();
    const events = streamEvents(records, 100);

    // 1. the project Lambda dies before writing anything (after reading agent records)
    let removeCrash = injectCrash(env.client, (cmd) => cmd === 'PutItemCommand');
    await expect(project(events[0]!, lambdaContext('project'))).rejects.toThrow(/crashed/);
    removeCrash();
    // 2. it dies after some agent records (which carry their newest outputs), while writing the others and the rest
    let agentRecords = 0;
    removeCrash = injectCrash(env.client, (cmd, input) => cmd === 'PutItemCommand' && String(input.Item?.pk?.S ?? input.Item?.pk).includes('#agents#') && ++agentRecords === 3);
    await expect(project(events[0]!, lambdaContext('project'))).rejects.toThrow(/crashed/);
    removeCrash();
    // 3. it dies after the projections, when publishing alerts
    env.eventBridge.on(PutEventsCommand).rejectsOnce(Object.assign(new Error('connection reset'), { name: 'TimeoutError' }));
    await expect(project(events[0]!, lambdaContext('project'))).rejects.toThrow(/connection reset/);
    expect(env.published).toEqual([]);
    // the event source mapping delivers the batch again, then the rest
    env.eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      env.published.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) };
    });
    for (const e of events) await project(e, lambdaContext('project'));

    const want = await expected([batch]);
    expect(await actual(env)).toEqual(want.views);
    expect(publishedIds(env)).toEqual(want.alerts);
  });
});

describe('alerts to EventBridge', () => {
  it('sends at most 10 entries per PutEvents call and retries only the failed entries', async () => {
    const env = await freshEnv();
    const calls: PutEventsRequestEntry[][] = [];
    let failOnce = true;
    env.eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      calls.push(input.Entries);
      const fail = failOnce && input.Entries.length === 10;
      if (fail) failOnce = false;
      const results = input.Entries.map((_, i) => (fail && i >= 8 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `e${i}` }));
      env.published.push(...input.Entries.filter((_, i) => !(fail && i >= 8)));
      return { FailedEntryCount: fail ? 2 : 0, Entries: results };
    });
    const abandoned = Array.from({ length: 23 }, (_, i) => contactRecord({ id: `drop-${i}`, initiated: T0 + i * 60_000, kind: 'queue-abandon' }));
    await ingest(kinesisEvent(abandoned, { stream: 'connect-ctr' }), lambdaContext('ingest'));
    await env.project();

    expect(calls.every((c) => c.length <= 10)).toBe(true);
    expect(calls.map((c) => c.length)).toEqual([10, 2, 10, 3]);
    expect(calls[1]).toEqual(calls[0]!.slice(8)); // the retry carries only the failed entries
    expect(env.published).toHaveLength(23);
    const entry = env.published[0]!;
    expect(entry).toMatchObject({ Source: 'switchboard', DetailType: 'ContactAbandoned', EventBusName: 'switchboard-test', Resources: [] });
    const detail = JSON.parse(entry.Detail!) as Alert;
    expect(detail).toMatchObject({ kind: 'ContactAbandoned', name: 'abandoned_in_queue', ended: true, agentArn: null });
    expect(detail.id).toMatch(/^ContactAbandoned:arn:aws:connect:/);
    expect((await env.get('/api/alerts')).body).toHaveLength(23);
  });

  it('sweeps ongoing occurrences every minute, each once, and delivers claims a crashed publisher left', async () => {
    let now = T0 + 60_000;
    const env = await freshEnv({ now: () => now });
    await ingest(
      kinesisEvent([agentEvent({ agent: 'dave', id: 'd1', at: T0, type: 'LOGIN' }), agentEvent({ agent: 'dave', id: 'd2', at: T0 + 60_000, status: 'Break' })]),
      lambdaContext('ingest'),
    );
    await env.project();
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 0, redelivered: 0 });
    now = T0 + 60_000 + 601_000; // Break over 600 s
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 1, redelivered: 0 });
    now += 60_000;
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 0, redelivered: 0 });
    expect(env.published.map((e) => e.DetailType)).toEqual(['LongStatus']);
    expect(JSON.parse(env.published[0]!.Detail!)).toMatchObject({ kind: 'LongStatus', name: 'Break', ended: false, username: 'dave', thresholdSeconds: 600 });

    // the Break ends: the ended occurrence has the same id, so it is not published again
    await ingest(kinesisEvent([agentEvent({ agent: 'dave', id: 'd3', at: T0 + 1_500_000, status: 'Available' })], { firstSequence: 7n }), lambdaContext('ingest'));
    await env.project();
    expect(env.published).toHaveLength(1);

    // a publisher that claimed an alert and died: the sweep delivers it after the lease
    const orphan: Alert = { id: 'LongHold:x:c-9:1', kind: 'LongHold', at: '2024-04-18T00:30:00.000Z', ended: true, agentArn: agentArn('dave'), username: 'dave', contactId: 'c-9', name: 'CONNECTED_ONHOLD', seconds: 99, thresholdSeconds: 60 };
    expect(await env.store.recordAlerts([orphan])).toEqual([orphan]);
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 0, redelivered: 0 }); // still leased
    now += 61_000;
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 0, redelivered: 1 });
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 0, redelivered: 0 });
    expect(env.published.map((e) => JSON.parse(e.Detail!).id)).toContain(orphan.id);
    expect(env.published).toHaveLength(2);
  });

  it('sweeps queues: a caller waiting too long and a service level below target go to EventBridge once; the queue API answers the same in AWS', async () => {
    let now = T0 + 60_000;
    const rules = parseRules({ ...RULES, queues: { '*': { oldestWaitingAlertSeconds: 120, serviceLevelTarget: { seconds: 20, percent: 80 } } } });
    const env = await freshEnv({ now: () => now, rules });
    // contact events: EventBridge -> SQS -> the contact-events function; a contact record: Kinesis
    expect(await contactEvents(sqsEvent([contactEvent({ id: 'w-1', contact: 'waiting', type: 'QUEUED', at: T0 })]), lambdaContext('contact-events'))).toEqual({ batchItemFailures: [] });
    await ingest(kinesisEvent([contactRecord({ id: 'gone', initiated: T0 - 200_000, disconnected: T0 + 30_000, kind: 'queue-abandon' })]), lambdaContext('ingest'));
    await env.project();
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 1, redelivered: 0 }); // the abandon: 0 % within 20 s in this bucket
    now = T0 + 121_000;
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 1, redelivered: 0 });
    now += 60_000;
    expect(await sweep({}, lambdaContext('sweep'))).toEqual({ raised: 0, redelivered: 0 });
    const details = env.published.map((e) => JSON.parse(e.Detail!) as Alert);
    // the abandoned caller had waited 220 s: its long wait ended with the contact (raised by the projection)
    expect(env.published.map((e) => e.DetailType).sort()).toEqual(['ContactAbandoned', 'LongQueueWait', 'LongQueueWait', 'ServiceLevelBelowTarget']);
    expect(details.find((d) => d.kind === 'LongQueueWait' && d.contactId === 'gone')).toMatchObject({ ended: true, seconds: 220 });
    expect(details.find((d) => d.kind === 'LongQueueWait' && d.contactId === 'waiting')).toMatchObject({ ended: false, thresholdSeconds: 120, id: `LongQueueWait:${INSTANCE}/waiting:${T0}` });
    expect(details.find((d) => d.kind === 'ServiceLevelBelowTarget')).toMatchObject({ name: 'BasicQueue', serviceLevel: { percent: 0, targetPercent: 80, contactsQueued: 1 } });

    // the API function answers in wall-clock time: years after T0, nothing waits and nothing happened today
    expect((await env.get('/api/queues/now')).body).toMatchObject({ inFlow: 0, queues: [] });
    expect((await env.get('/api/queues', 'bucket=1d')).body).toEqual([expect.objectContaining({ queueName: 'BasicQueue', contactsQueued: 1, contactsAbandoned: 1 })]);
  });
});

describe('API over a Function URL', () => {
  it('is never open: bearer token or IAM, and explains what AWS does not serve', async () => {
    const env = await freshEnv();
    expect((await env.get('/api/agents', '', {})).status).toBe(401);
    expect((await env.get('/api/agents', '', { authorization: 'Bearer wrong-token-0123456' })).status).toBe(401);
    expect(await env.get('/api/agents')).toEqual({ status: 200, body: [] });
    const stream = await env.get('/api/stream');
    expect(stream.status).toBe(501);
    expect(stream.body.error).toMatch(/poll/);
    expect((await env.get('/api/nope')).status).toBe(404);
    expect((await env.get('/index.html')).status).toBe(404);
    expect((await env.get('/api/report', 'bucket=7m')).status).toBe(400);
    const post = await api(urlEvent('/api/agents', '', { authorization: `Bearer ${TOKEN}` }, 'POST'), lambdaContext('api'));
    expect(post.statusCode).toBe(405);

    await freshEnv({ auth: 'iam' });
    expect((await api(urlEvent('/api/health'), lambdaContext('api'))).statusCode).toBe(403);
    const signed = await api(urlEvent('/api/health', '', {}, 'GET', true), lambdaContext('api'));
    expect(signed.statusCode).toBe(200);
    expect(JSON.parse(signed.body!)).toMatchObject({ ok: true, events: 0 });
  });
});

describe('Timestream sink', () => {
  it('does nothing unless configured, then writes the closed buckets of the report', async () => {
    const now = T0 + 3 * 3_600_000 + 5 * 60_000; // 03:05 UTC: buckets up to 03:00 are closed
    await freshEnv({ now: () => now });
    expect(await timestream({}, lambdaContext('timestream'))).toEqual({ records: 0, calls: 0, rejected: 0 });

    const client = new TimestreamWriteClient({ region: 'us-west-2', credentials: LOCAL_CREDENTIALS });
    const mock = mockClient(client);
    mock.on(WriteRecordsCommand).resolves({});
    const env = await freshEnv({ now: () => now, timestream: { client, database: 'switchboard', table: 'agent_intervals', lookbackMinutes: 360 } });
    await ingest(kinesisEvent([...agentShift('alice', T0), ...agentShift('bob', T0 + 30_000)]), lambdaContext('ingest'));
    await env.project();
    const out = await timestream({}, lambdaContext('timestream'));
    const report = (await env.get('/api/report', `from=${encodeURIComponent('2024-04-17T21:00:00Z')}&to=${encodeURIComponent('2024-04-18T03:00:00Z')}`)).body as unknown[];
    expect(report.length).toBeGreaterThan(4);
    expect(out).toMatchObject({ records: report.length, calls: 1, rejected: 0, to: '2024-04-18T03:00:00.000Z' });
    const sent = mock.commandCalls(WriteRecordsCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ DatabaseName: 'switchboard', TableName: 'agent_intervals' });
    expect(sent.Records).toHaveLength(report.length);
    expect(sent.Records!.every((r) => r.MeasureValueType === 'MULTI' && r.TimeUnit === 'MILLISECONDS' && r.Version === now)).toBe(true);
    const holds = sent.Records!.reduce((n, r) => n + Number(r.MeasureValues!.find((m) => m.Name === 'holds')!.Value), 0);
    expect(holds).toBe(2);
  });
});
