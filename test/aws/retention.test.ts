/**
 * Data retention in DynamoDB: with rules.retention set, events and projection
 * items carry the TTL attribute (DynamoDB deletes them after it); without it,
 * nothing expires but the alert ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ingestCandidates, parseRules, projectEvents } from '@switchboard/core';
import { openDynamoStore, TTL_ATTRIBUTE } from '@switchboard/core/dynamodb';
import { agentEvent, contactRecord } from '../../packages/core/test/builders.js';
import { candidate } from '../../packages/core/test/harness.js';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

const DAY = 86_400;
const T = Date.UTC(2024, 3, 18);

async function run(retention: { eventDays?: number; projectionDays?: number }) {
  const tables = await local.createTables();
  const store = openDynamoStore({ tables, client: local.client(), eventRetentionDays: retention.eventDays, projectionRetentionDays: retention.projectionDays });
  const rules = parseRules({ retention });
  const { appended } = await ingestCandidates(
    store,
    [
      candidate(agentEvent({ type: 'LOGIN', at: T, status: 'Available' })),
      // enough status changes for the outputs to outgrow the agent record's tail and be sealed into chunks
      ...Array.from({ length: 40 }, (_, i) => candidate(agentEvent({ type: 'STATE_CHANGE', at: T + 60_000 * (i + 1), status: i % 2 === 0 ? 'Break' : 'Available' }))),
      candidate(contactRecord({ contactId: 'c1', initiation: '2024-04-18T00:00:00Z' })),
    ],
    T,
  );
  await projectEvents({ events: store, projections: await store.current() }, rules, appended);
  const scan = async (table: string) =>
    ((await local.client().send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) => unmarshall(i));
  return { events: await scan(tables.events), projections: await scan(tables.projections) };
}

describe('data retention in DynamoDB', () => {
  it('given retention days, then events and interval chunks and contact rows expire that long after their time', async () => {
    const { events, projections } = await run({ eventDays: 30, projectionDays: 400 });
    expect(events.map((e) => e[TTL_ATTRIBUTE] - Math.floor(e.at / 1000))).toEqual(events.map(() => 30 * DAY));
    const chunks = projections.filter((p) => String(p.pk).includes('#out#'));
    const contacts = projections.filter((p) => String(p.pk).includes('#contact#'));
    expect(chunks.length).toBeGreaterThan(0);
    expect(contacts.length).toBe(1);
    for (const c of chunks) expect(c[TTL_ATTRIBUTE]).toBe(Math.floor(Number(String(c.sk).slice(0, 15)) / 1000) + 400 * DAY);
    expect(contacts[0]![TTL_ATTRIBUTE]).toBe(T / 1000 + 400 * DAY);
    // agent records are the present: they never expire
    expect(projections.filter((p) => String(p.pk).includes('#agents#')).every((p) => p[TTL_ATTRIBUTE] === undefined)).toBe(true);
  });

  it('given no retention, then nothing in events or projections expires', async () => {
    const { events, projections } = await run({});
    expect([...events, ...projections].every((i) => i[TTL_ATTRIBUTE] === undefined)).toBe(true);
  });
});
