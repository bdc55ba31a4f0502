import { describe, expect, it } from 'vitest';
import { Engine, packPayload, parseRules, unpackPayload, type StoredEvent } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { appendFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentEvent, contactRecord } from './builders.js';
import { candidate, classifiedBatches } from './harness.js';

const rules = parseRules({});
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'sb-payloads-')), 'store.db');

async function everything(store: SqliteStore): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of store.scanAll()) out.push(e);
  return out;
}

/** Each event's payload is its own: the bytes its row points at carry its EventId. */
function expectPayloadsInPlace(stored: StoredEvent[]): void {
  for (const e of stored) expect(JSON.parse(e.raw).EventId).toBe(e.dedupeKey);
}

const segmentCount = (path: string) => readdirSync(`${path}-payloads`).length;
const logBytes = (path: string) => readdirSync(`${path}-payloads`).reduce((n, f) => n + statSync(join(`${path}-payloads`, f)).size, 0);

function day(agent: string, from: number, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) =>
    agentEvent({
      agent,
      eventId: `${agent}-${from + i}`,
      type: 'STATE_CHANGE',
      at: new Date(Date.UTC(2024, 3, 18, 0, 0, from + i)).toISOString(),
      status: i % 2 ? 'Available' : 'Break',
    }),
  );
}

describe('raw payloads in the log beside the database', () => {
  it('given events appended and the store reopened, then every payload reads back byte for byte', async () => {
    const path = dbPath();
    // non-ASCII and escaped text must survive as bytes, not as re-serialized JSON
    const odd = `{"AgentARN":"arn:aws:connect:ap-northeast-1:1:instance/i/agent/名前","EventId":"odd","EventType":"HEART_BEAT","EventTimestamp":"2024-04-18T00:00:00.000Z","InstanceARN":"arn:aws:connect:ap-northeast-1:1:instance/i",  "CurrentAgentSnapshot":{"AgentStatus":{"Name":"Available","Type":"ROUTABLE","StartTimestamp":"2024-04-18T00:00:00.000Z"},"Contacts":[],"Configuration":{"Username":"\\u540d"}},"Version":"2019-05-25"}`;
    const payloads = [...day('alice', 0, 30).map((p) => JSON.stringify(p)), JSON.stringify(contactRecord({ contactId: 'c1', initiation: '2024-04-18T00:00:00Z' })), odd];
    let store = SqliteStore.open(path);
    await new Engine(store, rules).ingestBatch(payloads.map((raw, i) => ({ ok: true, value: JSON.parse(raw), raw, source: { origin: 'test', line: i + 1 } })));
    store.close();

    store = SqliteStore.open(path);
    const stored = await everything(store);
    expect(stored.map((e) => e.raw).sort()).toEqual([...payloads].sort());
    store.close();
    // packed: the log takes far fewer bytes than the text
    expect(logBytes(path)).toBeLessThan(Buffer.byteLength(payloads.join('')) / 3);
  });

  it('given a crash after payloads were written but before their rows committed, then the dead bytes are skipped and later payloads read back', async () => {
    const path = dbPath();
    let store = SqliteStore.open(path);
    await new Engine(store, rules).ingestBatch(day('alice', 0, 10).map((p) => candidate(p)));
    store.close();
    // what a killed ingest leaves: bytes at the end of the log that no row points at
    const [segment] = readdirSync(`${path}-payloads`);
    appendFileSync(join(`${path}-payloads`, segment!), '{"half written');

    store = SqliteStore.open(path);
    await new Engine(store, rules).ingestBatch(day('alice', 10, 10).map((p) => candidate(p)));
    const stored = await everything(store);
    expect(stored).toHaveLength(20);
    expectPayloadsInPlace(stored);
    store.close();
  });

  it('given a transaction that rolls back after its payloads were written, then nothing of it is readable and the next append is intact', async () => {
    const store = SqliteStore.open(dbPath());
    const engine = new Engine(store, rules);
    await engine.ingestBatch(day('alice', 0, 5).map((p) => candidate(p)));
    const failing = store.transaction(async () => {
      await store.append([{ kind: 'agent', streamId: 'x', dedupeKey: 'gone', instanceArn: 'i', occurredAt: 1, sortKey: 'a', source: { origin: 't' }, raw: '{"gone":true}' }], 1);
      throw new Error('planning failed');
    });
    await expect(failing).rejects.toThrow('planning failed');
    await engine.ingestBatch(day('bob', 0, 5).map((p) => candidate(p)));
    const stored = await everything(store);
    expect(stored.map((e) => e.dedupeKey).sort()).toEqual([...day('alice', 0, 5), ...day('bob', 0, 5)].map((p) => (p as { EventId: string }).EventId).sort());
    expectPayloadsInPlace(stored);
    store.close();
  });

  it('given duplicates, then their payloads take no space in the log', async () => {
    const path = dbPath();
    const store = SqliteStore.open(path);
    const engine = new Engine(store, rules);
    const batch = day('alice', 0, 20).map((p) => candidate(p));
    await engine.ingestBatch(batch);
    const once = logBytes(path);
    expect((await engine.ingestBatch(batch)).duplicates).toBe(20);
    expect(logBytes(path)).toBe(once);
    store.close();
  });

  it('given small segments and a prune of the old events, then the segments holding only pruned payloads are deleted and the rest still read', async () => {
    const path = dbPath();
    const store = SqliteStore.open(path, { payloadSegmentBytes: 1_500 });
    const engine = new Engine(store, rules);
    for (let hour = 0; hour < 6; hour++) await engine.ingestBatch(day('alice', hour * 3600, 5).map((p) => candidate(p)));
    const before = segmentCount(path);
    expect(before).toBeGreaterThan(2);
    store.prune({ eventsBefore: Date.UTC(2024, 3, 18, 3) });
    expect(segmentCount(path)).toBeLessThan(before);
    const left = await everything(store);
    expect(left).toHaveLength(15);
    expectPayloadsInPlace(left);
    store.close();
  });

  it('given several batches per transaction written in the background across segment ends, then every payload lands where its row points', async () => {
    const path = dbPath();
    const store = SqliteStore.open(path, { payloadSegmentBytes: 20_000 });
    const agents = ['alice', 'bob', 'carol', 'dave'];
    const batches = agents.flatMap((agent) => [0, 40, 80].map((from) => day(agent, from, 40)));
    const summary = await new Engine(store, rules).ingestBatches(classifiedBatches(batches), { commitEvery: 200 });
    expect(summary.appended).toBe(480);
    expect(segmentCount(path)).toBeGreaterThan(3);
    const stored = await everything(store);
    expect(stored).toHaveLength(480);
    expectPayloadsInPlace(stored);
    store.close();
  });

  it('given two processes appending to one store in turn, also across segment ends, then neither overwrites the other', async () => {
    const path = dbPath();
    // two connections with their own payload logs, as two processes would have
    const first = SqliteStore.open(path, { payloadSegmentBytes: 4_000 });
    const second = SqliteStore.open(path, { payloadSegmentBytes: 4_000 });
    for (let round = 0; round < 6; round++) {
      await new Engine(first, rules).ingestBatch(day('alice', round * 100, 8).map((p) => candidate(p)));
      await new Engine(second, rules).ingestBatch(day('bob', round * 100, 8).map((p) => candidate(p)));
    }
    expect(segmentCount(path)).toBeGreaterThan(2);
    first.close();
    second.close();
    const reader = SqliteStore.open(path);
    const stored = await everything(reader);
    expect(stored).toHaveLength(96);
    expectPayloadsInPlace(stored);
    reader.close();
  });
});


describe('packing payloads', () => {
  const text = JSON.stringify(agentEvent({ agent: 'alice', type: 'LOGIN', at: '2024-04-18T00:00:00.000Z', username: '名前' }));

  it('given a Connect payload, then it packs to a fraction of its bytes and unpacks to the same text', () => {
    const packed = packPayload(Buffer.from(text));
    expect(packed.length).toBeLessThan(Buffer.byteLength(text) / 3);
    expect(unpackPayload(packed)).toBe(text);
  });

  it('given a payload that would not shrink, then it is kept as its text', () => {
    const tiny = Buffer.from('{"a":1}');
    expect(packPayload(tiny)).toBe(tiny);
    expect(unpackPayload(tiny)).toBe('{"a":1}');
  });

  it('given a payload stored as text (as logs of earlier versions stored all), then it reads back as it is', () => {
    expect(unpackPayload(Buffer.from(text))).toBe(text);
  });

  it('given a payload packed with a dictionary this version does not know, then reading it says so', () => {
    const packed = Buffer.from(packPayload(Buffer.from(text)));
    packed[1] = 9;
    expect(() => unpackPayload(packed)).toThrow(/unknown dictionary \(version 9\)/);
  });
});
