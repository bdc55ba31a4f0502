import { describe, expect, it } from 'vitest';
import { FACTS_VERSION, parseRules, rebuildProjections } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { agentEvent, contactRecord } from './builders.js';
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
});
