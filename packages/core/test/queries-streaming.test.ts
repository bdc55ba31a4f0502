import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildFunnel,
  buildReport,
  contactRows,
  intervalRows,
  openIntervals,
  queryContacts,
  queryFunnel,
  queryIntervals,
  queryReport,
  reportFold,
  toIntervalView,
  type ContactProjection,
  type ProjectionStore,
  type Interval,
  type Rules,
  type Tally,
} from '@switchboard/core';
import type { SqliteStore } from '@switchboard/core/sqlite';
import { contactRecord, iso } from './builders.js';
import { scenarioArb } from './generators.js';
import { candidate, localEngine } from './harness.js';

/**
 * The queries read the store as a stream (the report folds intervals as they
 * come; listings come in order of start from the store and sort only runs of
 * equal starts). Given any store, they must answer exactly what the queries
 * that held everything answered: those are written out here as they were.
 */

const T0 = Date.UTC(2024, 3, 17, 14, 30);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}

type Window = { from?: number; to?: number };

/** The store as one whose rows can only be awaited (as DynamoDB's): forEachRow's other way. */
const asyncOnly = (store: SqliteStore): ProjectionStore =>
  new Proxy(store, {
    get: (target, key) => {
      const value = Reflect.get(target, key);
      if (key === 'intervals' || key === 'tallies' || key === 'contacts') {
        return async function* (query: never) {
          yield* (value as (q: never) => AsyncIterable<unknown>).call(target, query);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

/** The report as it was made: every interval (and open state) and tally in memory, then buildReport. */
async function materialisedReport(store: SqliteStore, rules: Rules, options: Window & { bucketMinutes: number; agent?: string; closed?: boolean }) {
  const agents = await store.listAgents();
  const agentArns = options.agent ? agents.filter((a) => a.agentArn === options.agent || a.username === options.agent).map((a) => a.agentArn) : undefined;
  const intervals: Interval[] = await collect(store.intervals({ agentArns, from: options.from, to: options.to }));
  if (!options.closed) intervals.push(...openIntervals(agents.filter((a) => !agentArns || agentArns.includes(a.agentArn))));
  const tallies: Tally[] = await collect(store.tallies({ agentArns, from: options.from, to: options.to }));
  return buildReport(intervals, tallies, { zone: rules.timezone, bucketMinutes: options.bucketMinutes, from: options.from, to: options.to });
}

const DIMENSION_ORDER = { status: 0, activity: 1, contact: 2 } as const;

/** The intervals listing as it was made: all of them, sorted at once. */
async function materialisedIntervals(store: SqliteStore, window: Window) {
  const out = await collect(store.intervals(window));
  out.sort(
    (a, b) =>
      a.start - b.start ||
      a.agentArn.localeCompare(b.agentArn) ||
      DIMENSION_ORDER[a.dimension] - DIMENSION_ORDER[b.dimension] ||
      (a.contactId ?? '').localeCompare(b.contactId ?? '') ||
      a.end - b.end,
  );
  return out.map(toIntervalView);
}

/** The contacts listing as it was made: all of them, sorted at once. */
async function materialisedContacts(store: SqliteStore, window: Window) {
  const rows: ContactProjection[] = await collect(store.contacts(window));
  rows.sort((a, b) => a.startedAt - b.startedAt || a.row.contactId.localeCompare(b.row.contactId));
  return rows.map((r) => r.row);
}

/** Contact records, several starting in the same second, with ids that sort differently by locale and by byte. */
const contactsArb = fc.array(
  fc.record({
    id: fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/),
    startSecond: fc.integer({ min: 0, max: 40 }).map((s) => s * 600),
    minutes: fc.integer({ min: 0, max: 30 }),
    exit: fc.constantFrom('1-1', '2-1', undefined),
  }),
  { maxLength: 25 },
);

const windowArb = fc.record(
  {
    from: fc.integer({ min: -3_600, max: 30_000 }).map((s) => T0 + s * 1000),
    to: fc.integer({ min: 0, max: 40_000 }).map((s) => T0 + s * 1000),
  },
  { requiredKeys: [] },
);

describe('streamed queries answer what the materialised ones did', () => {
  it('given any agent events and contact records, then report, intervals, contacts and funnel are unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb,
        contactsArb,
        windowArb,
        fc.constantFrom(15, 30, 60, 1440),
        fc.constantFrom('Asia/Tokyo', 'America/New_York', 'Australia/Lord_Howe'),
        fc.boolean(),
        fc.constantFrom(undefined, 'agent-0'),
        async ({ events }, contacts, window, bucketMinutes, timezone, closed, agent) => {
          const { store, engine, rules } = localEngine({ timezone });
          try {
            const records = contacts.map((c) =>
              contactRecord({
                contactId: c.id,
                initiation: iso(T0 + c.startSecond * 1000),
                disconnect: iso(T0 + c.startSecond * 1000 + c.minutes * 60_000),
                attributes: c.exit ? { call_route: c.exit } : {},
              }),
            );
            await engine.ingestBatch([...events, ...records].map((e, i) => candidate(e, i + 1)));

            const options = { ...window, bucketMinutes, agent, closed };
            const expectedReport = await materialisedReport(store, rules, options);
            expect(await queryReport(store, rules, options)).toEqual(expectedReport);
            // a store whose rows come only one way (DynamoDB: async)
            expect(await queryReport(asyncOnly(store), rules, options)).toEqual(expectedReport);
            const expectedIntervals = await materialisedIntervals(store, window);
            expect(await queryIntervals(store, window)).toEqual(expectedIntervals);
            expect(await collect(intervalRows(store, window))).toEqual(expectedIntervals);
            expect(await queryContacts(store, window)).toEqual(await materialisedContacts(store, window));
            expect(await collect(contactRows(store, {}))).toEqual(await materialisedContacts(store, {}));
            expect(await queryFunnel(store, window)).toEqual(buildFunnel(await collect(store.contacts(window))));
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it('given a report, then its CSV columns are the statuses and activities of its rows, sorted', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.constantFrom(15, 60, 1440), async ({ events }, bucketMinutes) => {
        const { store, engine, rules } = localEngine({ timezone: 'Asia/Tokyo' });
        try {
          await engine.ingestBatch(events.map((e, i) => candidate(e, i + 1)));
          const fold = await reportFold(store, rules, { bucketMinutes });
          const rows = [...fold.rows()];
          expect(fold.names()).toEqual({
            statuses: [...new Set(rows.flatMap((r) => Object.keys(r.statusSeconds)))].sort(),
            activities: [...new Set(rows.flatMap((r) => Object.keys(r.activitySeconds)))].sort(),
          });
          // rows are made afresh each time they are taken
          expect([...fold.rows()]).toEqual(rows);
        } finally {
          store.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('given more rows than a page of the store, then listings page through all of them in order', async () => {
    const { store, engine } = localEngine({ timezone: 'Asia/Tokyo' });
    try {
      // 12,000 contacts, in runs of three starting in the same second, delivered out of order
      const records = Array.from({ length: 12_000 }, (_, i) =>
        contactRecord({ contactId: `c-${String(11_999 - i).padStart(5, '0')}`, initiation: iso(T0 + Math.floor(i / 3) * 1000) }),
      ).reverse();
      for (let i = 0; i < records.length; i += 2_000) await engine.ingestBatch(records.slice(i, i + 2_000).map((e, j) => candidate(e, i + j + 1)));
      const rows = await queryContacts(store, {});
      expect(rows).toEqual(await materialisedContacts(store, {}));
      expect(rows).toHaveLength(12_000);
    } finally {
      store.close();
    }
  });
});
