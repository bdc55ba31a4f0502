import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contactFactsOf,
  ingestCandidates,
  initialAgentState,
  padTime,
  parseRules,
  projectContact,
  VersionConflictError,
  type AgentWrite,
} from '@switchboard/core';
import { eventStreamArn, openDynamoStore, storedEventFromImage } from '@switchboard/core/dynamodb';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { countWrites, StreamReader } from '../support/lambda.js';
import { agentArn, agentEvent, contactRecord, INSTANCE, newEvent } from '../support/payloads.js';
import { storeContract } from './store-contract.js';

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

storeContract('DynamoDB (DynamoDB Local)', async () => {
  const tables = await local.createTables();
  // small index pages so that scanAll crosses many of them
  const store = openDynamoStore({ tables, client: local.client(), settleMs: 0, scanPageSize: 25, generationCacheMs: 0 });
  return { store, scanEvents: 400, close: () => undefined };
});

describe('DynamoDB specifics', () => {
  const T0 = Date.UTC(2024, 3, 18);
  const alice = agentArn('alice');
  const write = (expectedVersion: number, version: number, end: number): AgentWrite => ({
    agentArn: alice,
    expectedVersion,
    rewindAfter: null,
    record: { state: { ...initialAgentState(alice, INSTANCE), lastEventAt: end }, lastSortKey: padTime(end), sinceSnapshot: 0, version },
    intervals: [
      { agentArn: alice, username: 'alice', dimension: 'status', name: 'Available', statusType: 'ROUTABLE', contactId: null, start: end - 1000, end, emitKey: `${padTime(end)}|e` },
    ],
    tallies: [],
    snapshots: [],
  });

  it('makes agent record writes conditional on the version read (optimistic concurrency)', async () => {
    const store = openDynamoStore({ tables: await local.createTables(), client: local.client(), generationCacheMs: 0 });
    await store.commit({ agents: [write(0, 1, T0 + 1000)], contacts: [] });
    // a writer that also read "no record" loses, and writes none of its outputs
    await expect(store.commit({ agents: [write(0, 1, T0 + 5000)], contacts: [] })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.commit({ agents: [write(7, 8, T0 + 5000)], contacts: [] })).rejects.toThrow(/re-plan/);
    const intervals = [];
    for await (const i of store.intervals({})) intervals.push(i);
    expect(intervals.map((i) => i.end)).toEqual([T0 + 1000]);
    await store.commit({ agents: [write(1, 2, T0 + 2000)], contacts: [] });
    expect((await store.getAgents([alice])).get(alice)!.version).toBe(2);
  });

  it('makes document writes conditional on the version read, deletes too', async () => {
    const store = openDynamoStore({ tables: await local.createTables(), client: local.client(), generationCacheMs: 0 });
    const doc = (version: number, value: string | null) => ({ projection: 'p', key: 'k', doc: value === null ? null : { value }, at: null, version, expectedVersion: version - 1 });
    const read = async () => (await store.getDocuments('p', ['k'])).get('k')?.doc;
    await store.commit({ agents: [], contacts: [], documents: [doc(1, 'a')] });
    // a writer that also read "no document" loses
    await expect(store.commit({ agents: [], contacts: [], documents: [doc(1, 'b')] })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.commit({ agents: [], contacts: [], documents: [doc(5, null)] })).rejects.toThrow(/p\/k/);
    expect(await read()).toEqual({ value: 'a' });
    await store.commit({ agents: [], contacts: [], documents: [doc(2, 'c')] });
    expect(await read()).toEqual({ value: 'c' });
    await store.commit({ agents: [], contacts: [], documents: [doc(3, null)] });
    expect(await read()).toBeUndefined();
  });

  it('stores a document in as few write units as its item allows: gzipped when plain it would cross a kilobyte with its keys, and reads it back', async () => {
    const client = local.client();
    const writes = countWrites(client);
    const store = openDynamoStore({ tables: await local.createTables(), client, generationCacheMs: 0 });
    const key = (n: number) => `${INSTANCE}/contact/0f2a7c3e-1b4d-4e8f-9a6b-3c5d7e9f1a2${n}`;
    // ~900 bytes of JSON: under a kilobyte alone, over it with the item's keys and index attributes
    const large = { seen: Array.from({ length: 33 }, (_, i) => [T0 + i * 1000, i, `e-${i}`]), from: '0123456789.' };
    const small = { value: 'a' };
    expect(JSON.stringify(large).length).toBeGreaterThan(850);
    expect(JSON.stringify(large).length).toBeLessThan(1000);
    const unitsToWrite = async (n: number, doc: object) => {
      writes.reset();
      await store.commit({ agents: [], contacts: [], documents: [{ projection: 'queueContacts', key: key(n), doc, at: T0, version: 1, expectedVersion: 0 }] });
      expect((await store.getDocuments('queueContacts', [key(n)])).get(key(n))).toMatchObject({ doc, version: 1 });
      return writes.counts.capacity;
    };
    await unitsToWrite(0, small); // files the day on the generation item
    expect(await unitsToWrite(1, large)).toBe(await unitsToWrite(2, small));
  });

  it('quarantines an event too large for an item instead of retrying it forever', async () => {
    const store = openDynamoStore({ tables: await local.createTables(), client: local.client() });
    const record = contactRecord({ id: 'huge', initiated: T0 });
    record.Attributes.blob = randomBytes(450_000).toString('base64'); // incompressible: > 400 KB even deflated
    const raw = JSON.stringify(record);
    const candidate = { ok: true as const, value: JSON.parse(raw), raw, source: { origin: 'test' } };
    const small = newEvent(agentEvent({ agent: 'alice', id: 'ok', at: T0 }));
    const out = await ingestCandidates(store, [candidate, { ok: true, value: JSON.parse(small.raw as string), raw: small.raw as string, source: small.source }], T0);
    expect(out.failed).toEqual([]);
    expect(out.summary).toMatchObject({ read: 2, appended: 1, rejected: 1 });
    const [q] = await store.listQuarantine(1);
    expect(q!.reason).toMatch(/too large for a DynamoDB item/);
    expect(q!.reason).toMatch(/raw truncated/);
  });

  it('decodes the event table stream image in Lambda\'s JSON shape', async () => {
    const tables = await local.createTables();
    const store = openDynamoStore({ tables, client: local.client() });
    const e = newEvent(agentEvent({ agent: 'alice', id: 'img', at: T0 }), { origin: 'connect-agent-events', sequenceNumber: '42', shardId: 'shardId-1' });
    await store.append([e], T0 + 5);
    const reader = new StreamReader(local.streams(), await eventStreamArn(local.client(), tables));
    const [record] = await reader.read();
    expect(record!.eventName).toBe('INSERT');
    expect(typeof (record!.dynamodb!.NewImage as Record<string, { B?: unknown }>).b!.B).toBe('string'); // base64, as Lambda delivers it
    expect(storedEventFromImage(record!.dynamodb!.NewImage as never)).toEqual({ ...e, receivedAt: T0 + 5 });
  });

  it('lets a second store instance (another Lambda) see contacts written after its first read', async () => {
    const tables = await local.createTables();
    const writer = openDynamoStore({ tables, client: local.client() });
    const reader = openDynamoStore({ tables, client: local.client() });
    const rules = parseRules({});
    const row = (id: string, initiated: number) => projectContact(contactFactsOf(contactRecord({ id, initiated })), rules);
    await writer.commit({ agents: [], contacts: [row('first', T0)] });
    const seen = async () => {
      const out: string[] = [];
      for await (const c of reader.contacts({})) out.push(c.contactId);
      return out;
    };
    expect(await seen()).toEqual(['first']);
    await writer.commit({ agents: [], contacts: [row('days-later', T0 + 5 * 86_400_000), row('before', T0 - 86_400_000)] });
    expect((await seen()).sort()).toEqual(['before', 'days-later', 'first']);
  });
});

