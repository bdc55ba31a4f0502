/**
 * The contact-events function against DynamoDB Local, with the SQS events
 * Lambda hands it (EventBridge puts each contact event in a message body).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX = 'unused-';
});

import { parseRules } from '@switchboard/core';
import { handler } from '../../packages/functions/src/contact-events.js';
import { configureRuntime, runtime } from '../../packages/functions/src/shared/runtime.js';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { attr, injectThrottling, lambdaContext } from '../support/lambda.js';
import { contactEvent, INSTANCE, sqsEvent } from '../support/payloads.js';

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

async function freshEnv() {
  const tables = await local.createTables();
  const client = local.client({ maxAttempts: 2 });
  configureRuntime({
    dynamo: client,
    store: { settleMs: 0, generationCacheMs: 0, retry: { baseDelayMs: 1 } },
    config: { tables, rules: parseRules({}), busName: null, api: { auth: 'iam', token: null }, timestream: null },
  });
  return { store: runtime().store, client };
}

const lifecycle = (contact: string, at: number) => [
  contactEvent({ id: `${contact}-1`, contact, type: 'INITIATED', at }),
  contactEvent({ id: `${contact}-2`, contact, type: 'QUEUED', at: at + 20_000 }),
  contactEvent({ id: `${contact}-3`, contact, type: 'CONNECTED_TO_AGENT', at: at + 45_000 }),
  contactEvent({ id: `${contact}-4`, contact, type: 'DISCONNECTED', at: at + 300_000 }),
];

describe('contact events: EventBridge -> SQS -> function -> event table (DynamoDB Local)', () => {
  it('stores every event once, however often SQS delivers it, and quarantines what is not a contact event without failing the batch', async () => {
    const env = await freshEnv();
    const good = [...lifecycle('c-1', T0), ...lifecycle('c-2', T0 + 60_000)];
    const batch = sqsEvent([...good, '{"detail-type": "Amazon Connect Cont', { ...good[0], detail: { ...good[0]!.detail, contactId: '' } }]);
    expect(await handler(batch, lambdaContext('contact-events'))).toEqual({ batchItemFailures: [] });
    expect(await handler(batch, lambdaContext('contact-events'))).toEqual({ batchItemFailures: [] }); // redelivered
    expect((await env.store.counts()).events).toBe(good.length);
    const quarantined = await env.store.listQuarantine(10);
    const reasons = quarantined.map((q) => q.reason);
    expect(reasons).toHaveLength(4); // twice each: quarantine keeps every delivery
    expect(reasons.filter((r) => r.startsWith('Records[8].body: not valid JSON'))).toHaveLength(2);
    expect(reasons.filter((r) => r.startsWith('contact event: detail.contactId'))).toHaveLength(2);
    expect(quarantined[0]!.source).toMatchObject({ origin: 'switchboard-production-ContactEvents', messageId: expect.stringMatching(/^m-(8|9)$/) });
    const stream = [];
    for await (const e of env.store.readStream(`contact-event/${INSTANCE}/c-1`)) stream.push(e);
    expect(stream.map((e) => [e.kind, e.dedupeKey])).toEqual([
      ['contactEvent', 'c-1-1'],
      ['contactEvent', 'c-1-2'],
      ['contactEvent', 'c-1-3'],
      ['contactEvent', 'c-1-4'],
    ]);
  });

  it('reports only the messages it could not store (and the later ones of that contact, kept back in order); their redelivery completes the data', async () => {
    const env = await freshEnv();
    const events = lifecycle('c-3', T0);
    const remove = injectThrottling(env.client, (cmd, input) => cmd === 'PutItemCommand' && attr(input.Item, 'sk')?.endsWith('|c-3-2') === true);
    const batch = sqsEvent(events);
    const res = await handler(batch, lambdaContext('contact-events'));
    remove();
    const failed = res.batchItemFailures.map((f) => f.itemIdentifier);
    expect(failed).toContain('m-1');
    expect(failed).not.toContain('m-0');
    expect((await env.store.counts()).events).toBe(events.length - failed.length);
    const retry = { Records: batch.Records.filter((r) => failed.includes(r.messageId)) };
    expect(await handler(retry, lambdaContext('contact-events'))).toEqual({ batchItemFailures: [] });
    expect((await env.store.counts()).events).toBe(events.length);
  });
});
