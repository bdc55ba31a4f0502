/**
 * The AWS flow (append to the event table, then project the appended events
 * as the DynamoDB stream hands them over) on DynamoDB Local gives the same
 * agents, intervals, report, contacts and funnel as the local Engine on SQLite
 * for the same simulated traffic, including redelivered batches and late events;
 * and a rebuild on DynamoDB gives them again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Engine,
  expandEnvelope,
  ingestCandidates,
  parseRules,
  projectEvents,
  rebuildProjections,
  type Candidate,
  type AppendedEvent,
  type StoredEvent,
} from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { openDynamoStore } from '@switchboard/core/dynamodb';
import { simulate } from '../../packages/cli/src/simulator/index.js';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { kinesisEvent } from '../support/payloads.js';
import { readViews } from './store-contract.js';

const rules = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: { holdSeconds: 45, afterContactWorkSeconds: 60, statusSeconds: { Break: 600 } } });

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

/** Simulated traffic as Kinesis batches of 100 records, with 2% of the events held back and delivered last. */
function traffic(): Candidate[][] {
  const payloads = [...simulate({ agents: 6, hours: 3, seed: 11 })].map((e) => e.payload);
  const held = payloads.filter((_, i) => i % 50 === 17);
  const ordered = [...payloads.filter((_, i) => i % 50 !== 17), ...held];
  const batches: Candidate[][] = [];
  for (let i = 0; i < ordered.length; i += 100) {
    const event = kinesisEvent(ordered.slice(i, i + 100), { firstSequence: 49_000_000_000_000_000_000n + BigInt(i) * 10n });
    batches.push([...expandEnvelope(event, '', { origin: 'lambda' })]);
  }
  return batches;
}

describe('AWS flow on DynamoDB = local Engine on SQLite', () => {
  it('gives the same projections for the same input', async () => {
    const batches = traffic();
    expect(batches.flat().length).toBeGreaterThan(1000);

    const sqlite = SqliteStore.open(':memory:');
    const engine = new Engine(sqlite, rules);
    const localAlerts: string[] = [];
    for (const batch of batches) await engine.ingestBatch(batch);
    await engine.ingestBatch(batches[3]!); // a redelivered batch
    for (const a of await sqlite.recentAlerts(10_000)) localAlerts.push(a.id);
    const expected = await readViews(sqlite, rules);
    const expectedCounts = await sqlite.counts();
    sqlite.close();

    const store = openDynamoStore({ tables: await local.createTables(), client: local.client(), settleMs: 0, generationCacheMs: 0 });
    const alerts: string[] = [];
    const project = async (events: AppendedEvent[]) => {
      // the DynamoDB stream hands over at most 100 records per invocation
      for (let i = 0; i < events.length; i += 100) {
        const out = await projectEvents({ events: store, projections: await store.current(), ledger: store }, rules, events.slice(i, i + 100));
        alerts.push(...out.alerts.map((a) => a.id));
      }
    };
    for (const batch of batches) {
      const { appended, failed, summary } = await ingestCandidates(store, batch, Date.now());
      expect(failed).toEqual([]);
      expect(summary.rejected).toBe(0);
      await project(appended);
    }
    const again = await ingestCandidates(store, batches[3]!, Date.now());
    expect(again.summary.duplicates).toBe(batches[3]!.length);
    expect(again.summary.appended).toBe(0);
    // the stream never re-sends a duplicate append; a Lambda retry re-sends projected events instead
    const agent = batches[3]!.map((c) => (c.ok ? (c.value as { AgentARN?: string }).AgentARN : undefined)).find(Boolean)!;
    const redelivered: StoredEvent[] = [];
    for await (const e of store.readStream(agent)) redelivered.push(e);
    await project(redelivered.slice(10, 130));

    const actual = await readViews(store, rules);
    expect(actual.agents).toEqual(expected.agents);
    expect(actual.intervals).toEqual(expected.intervals);
    expect(actual.report).toEqual(expected.report);
    expect(actual.contacts).toEqual(expected.contacts);
    expect(actual.funnel).toEqual(expected.funnel);
    expect(new Set(alerts)).toEqual(new Set(localAlerts));
    expect(alerts.length).toBe(new Set(alerts).size); // each occurrence once
    expect(await store.counts()).toEqual(expectedCounts);

    await rebuildProjections(store, rules);
    expect(await readViews(store, rules)).toEqual(expected);
  }, 180_000);
});
