import { describe, expect, it } from 'vitest';
import { Engine, FACTS_VERSION, parseRules, QUEUE_CONTACTS, readDocuments, rebuildProjections } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { agentEvent, contactEvent, contactRecord } from './builders.js';
import { candidate, classifiedBatches, localEngine, projectionSnapshot } from './harness.js';

describe('embedded store specifics', () => {
  const morning = [
    agentEvent({ type: 'LOGIN', at: '2024-04-18T00:00:00.000Z', status: 'Available' }),
    agentEvent({ type: 'STATE_CHANGE', at: '2024-04-18T00:01:00.000Z', contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
    agentEvent({ type: 'STATE_CHANGE', at: '2024-04-18T00:05:00.000Z', contacts: [] }),
    agentEvent({ type: 'LOGOUT', at: '2024-04-18T00:06:00.000Z' }),
  ];

  it('given stored facts of another parser version, then a rebuild reads the raw payloads instead', async () => {
    const { store, engine } = localEngine();
    await engine.ingestBatch(morning.map((e) => candidate(e)));
    const before = await projectionSnapshot(store);
    // facts written by an older parser: wrong on purpose, and marked with another version
    store.db.prepare(`UPDATE events SET facts = '{"v":0,"eventType":"LOGOUT"}', facts_v = ?`).run(FACTS_VERSION - 1);
    await rebuildProjections(store, parseRules({}));
    expect(await projectionSnapshot(store)).toEqual(before);
  });

  it('given stored facts of the current version, then a rebuild uses them without the raw payload or source', async () => {
    const { store, engine } = localEngine();
    await engine.ingestBatch([...morning, contactRecord({ contactId: 'c1', initiation: '2024-04-18T00:01:00Z' })].map((e) => candidate(e)));
    const scanned = [];
    for await (const e of store.scanAll({ preferFacts: true })) scanned.push(e);
    expect(scanned.map((e) => e.kind).sort()).toEqual(['agent', 'agent', 'agent', 'agent', 'contact']);
    expect(scanned.every((e) => e.raw === '' && e.source.origin === '' && e.facts)).toBe(true);
    // facts of another version: those events come whole
    store.db.prepare(`UPDATE events SET facts_v = ? WHERE rowid = (SELECT MIN(rowid) FROM events)`).run(FACTS_VERSION - 1);
    const mixed = [];
    for await (const e of store.scanAll({ preferFacts: true })) mixed.push(e);
    expect(mixed.filter((e) => e.raw.length > 100 && e.source.origin !== '')).toHaveLength(1);
    const full = [];
    for await (const e of store.scanAll()) full.push(e);
    expect(full.every((e) => e.raw.length > 100 && e.source.origin !== '')).toBe(true);
  });

  it('given a transaction of several batches that fails part way, then no agent state of it stays, and ingesting again gives the full result', async () => {
    const { store, engine } = localEngine();
    const batches = morning.map((e) => [e]);
    const failing = (async function* () {
      yield* classifiedBatches(batches.slice(0, 2));
      throw new Error('input broke');
    })();
    await expect(engine.ingestBatches(failing, { commitEvery: 100 })).rejects.toThrow('input broke');
    expect(await store.listAgents()).toEqual([]);
    await engine.ingestBatches(classifiedBatches(batches), { commitEvery: 100 });
    const ordered = localEngine();
    await ordered.engine.ingestBatch(morning.map((e) => candidate(e)));
    expect(await projectionSnapshot(store)).toEqual(await projectionSnapshot(ordered.store));
  });

  it('given a transaction that fails after interning new streams, then their numbers are forgotten and every event keeps its own stream', async () => {
    const { store, engine } = localEngine();
    const ctr = contactRecord({ contactId: 'c1', initiation: '2024-04-18T00:01:00Z' });
    const failing = (async function* () {
      yield* classifiedBatches([[ctr, morning[0]]]);
      throw new Error('input broke');
    })();
    await expect(engine.ingestBatches(failing, { commitEvery: 100 })).rejects.toThrow('input broke');
    await engine.ingestBatches(classifiedBatches([morning, [ctr]]), { commitEvery: 100 });
    const ordered = localEngine();
    await ordered.engine.ingestBatch([...morning, ctr].map((e) => candidate(e)));
    expect(await projectionSnapshot(store)).toEqual(await projectionSnapshot(ordered.store));
    const perKind = store.db.prepare('SELECT s.kind, COUNT(*) AS n FROM events e JOIN streams s ON s.id = e.stream GROUP BY s.kind ORDER BY s.kind').all();
    expect(perKind).toEqual([{ kind: 'agent', n: 4 }, { kind: 'contact', n: 1 }]);
  });

  it('given settings under a prefix (Kinesis checkpoints), then exactly those come back, keyed by the rest', () => {
    const store = SqliteStore.open(':memory:');
    store.setSetting('kinesis.connect_agents.shardId-000000000000', '4951');
    store.setSetting('kinesis.connect_agents.shardId-000000000001', '4952');
    store.setSetting('kinesis.connectXagents.shardId-000000000000', 'other stream');
    store.setSetting('kinesis.connect_agents2.shardId-000000000000', 'other stream too');
    expect(store.settingsWithPrefix('kinesis.connect_agents.')).toEqual(
      new Map([
        ['shardId-000000000000', '4951'],
        ['shardId-000000000001', '4952'],
      ]),
    );
  });

  it('given a store written by another layout, then opening it fails with a clear message', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sb-')), 'old.db');
    const db = new Database(path);
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '1')`);
    db.close();
    expect(() => SqliteStore.open(path)).toThrow(/created by another version of Switchboard/);
  });

  it('given a scan read on its own thread, when its reader stops early, then the next scan reads every event and the store closes', async () => {
    const store = SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'switchboard-scan-')), 'store.db'), { scanWorkerFrom: 0 });
    const engine = new Engine(store, parseRules({}), {}, () => Date.UTC(2024, 0, 1));
    await engine.ingestBatch(morning.map((e) => candidate(e)));
    const first = [];
    for await (const e of store.scanAll({ preferFacts: true })) {
      first.push(e);
      break;
    }
    const all = [];
    for await (const e of store.scanAll({ preferFacts: true })) all.push(e);
    expect(first).toHaveLength(1);
    expect(all.map((e) => e.occurredAt)).toEqual(morning.map((e) => Date.parse(String(e.EventTimestamp))));
    store.close();
  });
});

describe('queue documents held by ingest transactions and rebuilt', () => {
  const at = (minute: number, second: number) => new Date(Date.UTC(2024, 3, 18, 0, minute, second)).toISOString();
  /** A contact's events: queued, answered, gone (the last one without the agent, so that only the answer tells of it). */
  const story = (contactId: string, minute = 0) => ({
    queued: [
      contactEvent({ type: 'INITIATED', contactId, initiation: at(minute, 0) }),
      contactEvent({ type: 'QUEUED', contactId, initiation: at(minute, 0), queue: { enqueue: at(minute, 5) } }),
    ],
    answered: contactEvent({ type: 'CONNECTED_TO_AGENT', contactId, initiation: at(minute, 0), queue: { enqueue: at(minute, 5) }, agent: { connected: at(minute, 20) } }),
    gone: contactEvent({ type: 'DISCONNECTED', contactId, initiation: at(minute, 0), disconnect: at(minute, 50) }),
  });
  const documents = async (store: SqliteStore) => (await readDocuments(store, QUEUE_CONTACTS)).map((d) => [d.key, d.doc]);
  const ingestedOnce = async (payloads: unknown[]) => {
    const { store, engine } = localEngine();
    await engine.ingestBatch(payloads.map((p, i) => candidate(p, i + 1)));
    return documents(store);
  };

  it('given a transaction that changed a document and failed, then the next transaction folds into the document as committed', async () => {
    const { store, engine } = localEngine();
    const c1 = story('c1');
    await engine.ingestBatch(c1.queued.map((e) => candidate(e)));
    const failing = (async function* () {
      yield* classifiedBatches([[c1.answered]]);
      throw new Error('input broke');
    })();
    await expect(engine.ingestBatches(failing, { commitEvery: 100 })).rejects.toThrow('input broke');
    await engine.ingestBatch([candidate(c1.gone)]);
    // the answer was rolled back: neither the store nor what the transaction held remembers it
    expect(await documents(store)).toEqual(await ingestedOnce([...c1.queued, c1.gone]));
  });

  it('given another process changed a document, then the next transaction folds into its version', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sb-')), 'shared.db');
    const rules = parseRules({});
    const c1 = story('c1');
    const first = SqliteStore.open(path);
    const second = SqliteStore.open(path);
    try {
      const engine = new Engine(first, rules);
      await engine.ingestBatch(c1.queued.map((e) => candidate(e)));
      await new Engine(second, rules).ingestBatch([candidate(c1.answered)]);
      await engine.ingestBatch([candidate(c1.gone)]);
      expect(await documents(first)).toEqual(await ingestedOnce([...c1.queued, c1.answered, c1.gone]));
    } finally {
      first.close();
      second.close();
    }
  });

  it('given retention deleted a document, then a later event of its contact starts a new one', async () => {
    const { store, engine } = localEngine();
    const c1 = story('c1');
    await engine.ingestBatch([...c1.queued, c1.answered].map((e) => candidate(e)));
    store.prune({ projectionsBefore: Date.UTC(2024, 3, 19) });
    expect(await documents(store)).toEqual([]);
    await engine.ingestBatch([candidate(c1.gone)]);
    expect(await documents(store)).toEqual(await ingestedOnce([c1.gone]));
  });

  it('given contacts whose records come long after their events, then the rebuild folds each record into the document it wrote, as the incremental documents', async () => {
    const { store, engine } = localEngine();
    // more documents than a rebuild holds before it flushes (5,000): the first ones are read back from the generation it builds
    const n = 6_000;
    const stories = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, ...story(`c${i}`, i % 60) }));
    const events = stories.map((s) => s.queued[1]!);
    const records = stories.map((s) => contactRecord({ contactId: s.id, initiation: at(0, 0) }));
    // events first, records after: the record streams come after every event stream in the replay
    for (const payloads of [events, records]) await engine.ingestBatches(classifiedBatches(chunks(payloads, 2_000)), { commitEvery: 10_000 });
    const incremental = await documents(store);
    expect(incremental).toHaveLength(n);
    const summary = await rebuildProjections(store, parseRules({}));
    expect(await documents(store)).toEqual(incremental);
    // each record folded into its contact's document as the replay wrote it, not into a new one
    expect(summary[QUEUE_CONTACTS]).toBe(n);
    expect(new Set((await readDocuments(store, QUEUE_CONTACTS)).map((d) => d.version))).toEqual(new Set([2]));
  }, 60_000);
});

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
