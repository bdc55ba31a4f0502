import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Engine, parseRules, queryReport, rebuildProjections, REPORT_SLOT_MS, type ProjectionStore, type ReportQuery } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { candidate, localEngine } from './harness.js';
import { deliveryArb, scenarioArb, type Scenario } from './generators.js';

const RULES = parseRules({});
const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham'];
const T0 = Date.UTC(2024, 3, 17, 14, 30); // the generators' start

/** The same store without its report totals: the report reads every interval and tally row. */
function rowsOnly(store: SqliteStore): ProjectionStore {
  return {
    listAgents: () => store.listAgents(),
    intervals: (q) => store.intervals(q),
    tallies: (q) => store.tallies(q),
  } as Partial<ProjectionStore> as ProjectionStore;
}

/** A report query: any zone and bucket size, over everything or a range on 15-minute edges (or off them, read from the rows). */
const queryArb: fc.Arbitrary<ReportQuery> = fc.record(
  {
    zone: fc.constantFrom(...ZONES),
    bucketMinutes: fc.constantFrom(15, 30, 60, 1440),
    closed: fc.boolean(),
    // the generated sessions last up to about an hour from T0
    from: fc.oneof(fc.integer({ min: -4, max: 6 }).map((n) => T0 - (T0 % REPORT_SLOT_MS) + n * REPORT_SLOT_MS), fc.integer({ min: T0 - 3_600_000, max: T0 + 7_200_000 })),
    length: fc.oneof(fc.integer({ min: 1, max: 12 }).map((n) => n * REPORT_SLOT_MS), fc.integer({ min: 1, max: 10_800_000 })),
  },
  { requiredKeys: ['zone', 'bucketMinutes', 'closed'] },
).map(({ length, ...q }) => ({ ...q, to: q.from !== undefined && length !== undefined ? q.from + length : undefined }));

/** The events, with the agents renamed from the `from`th on: which username a report row shows depends on which interval is latest. */
function renamed(events: Array<Record<string, unknown>>, from: number): Array<Record<string, unknown>> {
  return events.map((e, i) => {
    if (i < from) return e;
    const copy = structuredClone(e) as { CurrentAgentSnapshot?: { Configuration?: { Username?: string } } };
    const configuration = copy.CurrentAgentSnapshot?.Configuration;
    if (configuration?.Username) configuration.Username = `${configuration.Username}.renamed`;
    return copy;
  });
}

async function expectSameReport(store: SqliteStore, query: ReportQuery) {
  const fromTotals = await queryReport(store, RULES, query);
  expect(fromTotals).toEqual(await queryReport(rowsOnly(store), RULES, query));
  return fromTotals;
}

describe('report totals (per agent and 15-minute slot, kept by the SQLite store)', () => {
  it('given any events in any order, batches and duplicates, some agents still in a state, when reported from the totals, then the report is the one the interval rows give', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb
          .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 1, max: s.events.length }), fc.nat(s.events.length), queryArb, fc.boolean()))
          .chain(([s, kept, renamedFrom, query, oneAgent]) => {
            // a prefix of each sequence: agents cut off mid-session are in a state still (open intervals)
            const events = renamed(s.events, renamedFrom).slice(0, kept);
            return fc.tuple(fc.constant(events), deliveryArb(events), fc.constant(query), fc.constant(oneAgent));
          }),
        async ([, batches, query, oneAgent]) => {
          const { store, engine } = localEngine({}, { snapshotEvery: 3 });
          for (const batch of batches) await engine.ingestBatch(batch.map((e) => candidate(e)));
          const agent = oneAgent ? (await store.listAgents()).at(-1)?.agentArn : undefined;
          await expectSameReport(store, { ...query, agent });
          await expectSameReport(store, {});
        },
      ),
      { numRuns: 150 },
    );
  });

  it('given retention deleted old rows, or a rebuild replaced the generation, when reported, then the totals still equal the rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), deliveryArb(s.events), fc.integer({ min: -900_000, max: 3_600_000 }), queryArb)),
        async ([, batches, pruneAfter, query]) => {
          const { store, engine } = localEngine({}, { snapshotEvery: 3 });
          for (const batch of batches) await engine.ingestBatch(batch.map((e) => candidate(e)));
          store.prune({ projectionsBefore: T0 + pruneAfter });
          await expectSameReport(store, query);
          await expectSameReport(store, {});
          await rebuildProjections(store, RULES, undefined, { snapshotEvery: 3 });
          await expectSameReport(store, query);
        },
      ),
      { numRuns: 60 },
    );
  });

  describe('given a store written before the totals existed', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('when it is opened, then its totals are worked out from its rows and the report is unchanged', async () => {
      const [{ events }] = fc.sample(scenarioArb.filter((s) => s.events.length > 20), { numRuns: 1, seed: 7 }) as [Scenario];
      dir = mkdtempSync(join(tmpdir(), 'totals-'));
      const path = join(dir, 'store.db');
      const first = SqliteStore.open(path);
      await new Engine(first, RULES, {}, () => Date.UTC(2024, 0, 1)).ingestBatch(events.map((e) => candidate(e)));
      const before = await queryReport(first, RULES, {});
      first.close();

      const raw = new Database(path);
      raw.exec('DROP TABLE g1_report_totals');
      raw.close();

      const reopened = SqliteStore.open(path);
      try {
        expect(before.length).toBeGreaterThan(0);
        expect(await expectSameReport(reopened, {})).toEqual(before);
      } finally {
        reopened.close();
      }
    });
  });
});
