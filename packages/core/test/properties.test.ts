import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildReport,
  foldAgentEvents,
  parseRecord,
  parseRules,
  projectContact,
  rebuildProjections,
  toIntervalView,
  type Interval,
  type IntervalView,
  type Tally,
} from '@switchboard/core';
import { agentFacts, candidate, classifiedBatches, localEngine, projectionSnapshot } from './harness.js';
import { deliveryArb, PAUSA_ROUTABLE, scenarioArb } from './generators.js';
import { contactRecord } from './builders.js';

const RUNS = { numRuns: 200 };
const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];

function pureFold(events: Array<Record<string, unknown>>, rules: { statusTypes: Record<string, 'ROUTABLE'> } = { statusTypes: {} }) {
  const byAgent = new Map<string, Array<Record<string, unknown>>>();
  for (const e of events) {
    const arn = e.AgentARN as string;
    byAgent.set(arn, [...(byAgent.get(arn) ?? []), e]);
  }
  const intervals: Interval[] = [];
  const tallies: Tally[] = [];
  for (const list of byAgent.values()) {
    const { outputs } = foldAgentEvents(agentFacts(list), rules);
    intervals.push(...outputs.intervals);
    tallies.push(...outputs.tallies);
  }
  return { intervals, tallies };
}

const byTime = (a: IntervalView, b: IntervalView) =>
  a.start.localeCompare(b.start) ||
  a.agentArn.localeCompare(b.agentArn) ||
  a.dimension.localeCompare(b.dimension) ||
  (a.contactId ?? '').localeCompare(b.contactId ?? '') ||
  a.end.localeCompare(b.end);

describe('properties of the agent projections', () => {
  it('(1) activity and status intervals tile each logged-in period exactly: no gaps, no overlaps', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, sessions }) => {
        const { intervals } = pureFold(events);
        for (const [agent, periods] of sessions) {
          for (const dimension of ['activity', 'status'] as const) {
            const mine = intervals
              .filter((i) => i.agentArn.endsWith(`/agent/${agent}`) && i.dimension === dimension)
              .sort((a, b) => a.start - b.start);
            const covered: Array<[number, number]> = [];
            for (const i of mine) {
              const last = covered.at(-1);
              expect(i.start).toBeLessThan(i.end);
              if (last) expect(i.start).toBeGreaterThanOrEqual(last[1]); // no overlap
              if (last && last[1] === i.start) last[1] = i.end;
              else covered.push([i.start, i.end]);
            }
            expect(covered).toEqual(periods.filter(([s, e]) => e > s));
          }
        }
      }),
      RUNS,
    );
  });

  it('(2) report seconds summed over buckets equal the interval totals, in any zone and bucket size', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(...ZONES), fc.constantFrom(15, 30, 60, 1440), ({ events }, zone, bucketMinutes) => {
        const { intervals, tallies } = pureFold(events);
        const rows = buildReport(intervals, tallies, { zone, bucketMinutes });
        const sumMs = (pred: (i: Interval) => boolean) => intervals.filter(pred).reduce((s, i) => s + (i.end - i.start), 0);
        const names = new Set(intervals.filter((i) => i.dimension === 'activity').map((i) => i.name));
        for (const name of names) {
          const reported = rows.reduce((s, r) => s + Math.round((r.activitySeconds[name] ?? 0) * 1000), 0);
          expect(reported).toBe(sumMs((i) => i.dimension === 'activity' && i.name === name));
        }
        const ms = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + Math.round(f(r) * 1000), 0);
        expect(ms((r) => r.holdSeconds)).toBe(sumMs((i) => i.dimension === 'contact' && i.name === 'CONNECTED_ONHOLD'));
        expect(ms((r) => r.afterContactWorkSeconds)).toBe(sumMs((i) => i.dimension === 'contact' && i.name === 'ENDED'));
        expect(ms((r) => r.onlineSeconds)).toBe(sumMs((i) => i.dimension === 'status' && i.statusType !== 'OFFLINE'));
        expect(rows.reduce((s, r) => s + r.contactsHandled + r.holds + r.agentNonResponse, 0)).toBe(tallies.length);
        for (const r of rows) {
          // each bucket holds at most its own length of activity (intervals are split at edges)
          const bucketMs = Date.parse(r.bucketEnd) - Date.parse(r.bucketStart);
          const activityMs = Object.values(r.activitySeconds).reduce((a, b) => a + Math.round(b * 1000), 0);
          expect(activityMs).toBeLessThanOrEqual(bucketMs);
        }
      }),
      RUNS,
    );
  });

  it('(2b) per bucket, online time is idle + on contact + non-productive, to the millisecond, under any status typing', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom(...ZONES),
        fc.constantFrom(15, 30, 60, 1440),
        fc.boolean(),
        ({ events }, zone, bucketMinutes, typed) => {
          const { intervals, tallies } = pureFold(events, typed ? PAUSA_ROUTABLE : undefined);
          const rows = buildReport(intervals, tallies, { zone, bucketMinutes });
          const ms = (seconds: number) => Math.round(seconds * 1000);
          for (const r of rows) {
            expect(ms(r.onlineSeconds)).toBe(ms(r.idleSeconds) + ms(r.onContactSeconds) + ms(r.nonProductiveSeconds));
            if (r.onContactSeconds + r.idleSeconds === 0) expect(r.occupancy).toBeNull();
            else expect(r.occupancy).toBeCloseTo(r.onContactSeconds / (r.onContactSeconds + r.idleSeconds), 4);
          }
        },
      ),
      RUNS,
    );
  });

  it('(2c) each contact that reached an agent is handled once by that agent, across re-logins; each offer not taken is one non-response', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, connected, notTaken }) => {
        const { tallies } = pureFold(events);
        const per = (kind: Tally['kind']) => {
          const out = new Map<string, string[]>();
          for (const t of tallies.filter((x) => x.kind === kind)) {
            const agent = t.agentArn.slice(t.agentArn.lastIndexOf('/') + 1);
            out.set(agent, [...(out.get(agent) ?? []), t.contactId]);
          }
          return out;
        };
        const handled = per('handled');
        const nonResponse = per('nonResponse');
        for (const [agent, ids] of connected) expect([...(handled.get(agent) ?? [])].sort()).toEqual([...ids].sort());
        for (const [agent, ids] of notTaken) expect([...(nonResponse.get(agent) ?? [])].sort()).toEqual([...ids].sort());
      }),
      RUNS,
    );
  });

  it('(3) duplicates change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), fc.array(fc.nat(s.events.length - 1), { minLength: 1, maxLength: 20 }))),
        async ([{ events }, dupes]) => {
          const clean = localEngine();
          await clean.engine.ingestBatch(events.map((e) => candidate(e)));
          const dup = localEngine();
          const summary = await dup.engine.ingestBatch([...events, ...dupes.map((i) => events[i]!)].map((e) => candidate(e)));
          expect(summary.duplicates).toBe(dupes.length);
          expect(await projectionSnapshot(dup.store)).toEqual(await projectionSnapshot(clean.store));
        },
      ),
      RUNS,
    );
  });

  it('(4) any delivery order, in any batches, with duplicates == in-order == rebuild from scratch == pure fold of the sorted set', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), deliveryArb(s.events))),
        async ([{ events }, batches]) => {
          const { store, engine } = localEngine({}, { snapshotEvery: 3 });
          for (const batch of batches) await engine.ingestBatch(batch.map((e) => candidate(e)));
          const incremental = await projectionSnapshot(store);

          const ordered = localEngine();
          await ordered.engine.ingestBatch(events.map((e) => candidate(e)));
          expect(incremental).toEqual(await projectionSnapshot(ordered.store));

          const pure = pureFold(events).intervals.map(toIntervalView).sort(byTime);
          expect([...incremental.intervals].sort(byTime)).toEqual(pure);

          await rebuildProjections(store, parseRules({}), undefined, { snapshotEvery: 3 });
          expect(await projectionSnapshot(store)).toEqual(incremental);
        },
      ),
      RUNS,
    );
  });
  it('(4b) the same batches, several to a transaction (as files are ingested), == in-order', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), deliveryArb(s.events), fc.integer({ min: 1, max: 40 }))),
        async ([{ events }, batches, commitEvery]) => {
          const { store, engine } = localEngine({}, { snapshotEvery: 3 });
          await engine.ingestBatches(classifiedBatches(batches), { commitEvery });
          const ordered = localEngine();
          await ordered.engine.ingestBatch(events.map((e) => candidate(e)));
          expect(await projectionSnapshot(store)).toEqual(await projectionSnapshot(ordered.store));
        },
      ),
      RUNS,
    );
  });
});

describe('properties of the contact projection', () => {
  const copyArb = fc.record({
    updateOffsetS: fc.integer({ min: 0, max: 86_400 }),
    route: fc.constantFrom('start', '1', '2', '1-1', '1-2', '2-1', '2-2'),
    completed: fc.constantFrom('true', 'false', undefined),
    queued: fc.boolean(),
  });

  it('(5) a contact row depends only on the copy with the greatest LastUpdateTimestamp, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(copyArb, { minLength: 1, maxLength: 6, selector: (c) => c.updateOffsetS }).chain((copies) =>
          fc.tuple(fc.constant(copies), deliveryArb(copies)),
        ),
        async ([copies, batches]) => {
          const build = (c: (typeof copies)[number]) =>
            contactRecord({
              contactId: 'c-1',
              initiation: '2024-04-17T23:47:52Z',
              disconnect: '2024-04-17T23:50:00Z',
              lastUpdate: new Date(Date.UTC(2024, 3, 17, 23, 51) + c.updateOffsetS * 1000).toISOString().replace('.000', ''),
              attributes: { call_route: c.route, ...(c.completed ? { call_completed: c.completed } : {}) },
              queue: c.queued ? { enqueue: '2024-04-17T23:49:00Z' } : null,
            });
          const rules = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' });
          const { store, engine } = localEngine({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' });
          for (const batch of batches) await engine.ingestBatch(batch.map((c) => candidate(build(c))));
          const latest = copies.reduce((a, b) => (a.updateOffsetS > b.updateOffsetS ? a : b));
          const raw = build(latest);
          const parsed = parseRecord(raw, JSON.stringify(raw), { origin: 'test' });
          const rows = [];
          for await (const c of store.contacts({})) rows.push(c.row);
          expect(rows).toEqual([parsed.ok && parsed.contact && projectContact(parsed.contact, rules).row]);
        },
      ),
      RUNS,
    );
  });
});
