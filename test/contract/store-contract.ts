/**
 * The behaviour every Switchboard store must have (design.md "Event table",
 * store/ports.ts). Run against SQLite (sqlite.test.ts) and DynamoDB Local
 * (dynamodb.test.ts).
 *
 * Stores may rely on what the projector guarantees: an output is emitted at
 * the event that closes it, so its emit key starts with the padded time of its
 * end (tallies: of their time), and an agent's lastEventAt is its latest event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  agentSortKey,
  buildReport,
  handleApi,
  initialAgentState,
  padTime,
  parseRules,
  planProjection,
  projectionVersions,
  queryAgents,
  queryContacts,
  queryFunnel,
  queryIntervals,
  queryQueueIntervals,
  queryQueueNow,
  formatUtc,
  queryReport,
  readFacts,
  rebuildProjections,
  type Alert,
  type AgentState,
  type AgentWrite,
  type AlertLedger,
  type ContactProjection,
  type DocumentWrite,
  type EventStore,
  type Interval,
  type NewEvent,
  type PlanOptions,
  type ProjectionStore,
  type Rebuildable,
  type Rejection,
  type StoredEvent,
  type Tally,
} from '@switchboard/core';
import { agentEvent, agentShift, contactEvent, contactRecord, INSTANCE, agentArn, newEvent } from '../support/payloads.js';
import { contactsPerQueue, WITH_EXAMPLE } from '../support/example-projection.js';

export type ContractStore = EventStore & ProjectionStore & Rebuildable & AlertLedger;

export interface ContractSubject {
  store: ContractStore;
  /** events for the scanAll test: more than one page of the store's scan */
  scanEvents: number;
  close(): Promise<void> | void;
}

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);
const RECEIVED = T0 + 3_600_000;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const keysOf = async (it: AsyncIterable<{ key: string }>) => (await collect(it)).map((d) => d.key).sort();

/** Reads the projections as the CLI/API would: stable, sorted JSON shapes. */
export async function readViews(store: ProjectionStore, rules = parseRules({ timezone: 'Asia/Tokyo' })) {
  return {
    agents: await queryAgents(store),
    intervals: await queryIntervals(store, {}),
    report: await queryReport(store, rules, {}),
    contacts: await queryContacts(store, {}),
    funnel: await queryFunnel(store, {}),
    queues: await queryQueueIntervals(store, rules, {}),
  };
}

/** Appends then projects, as the AWS runtime does (no transaction). */
async function ingest(store: ContractStore, events: NewEvent[], rules = parseRules({ timezone: 'Asia/Tokyo' }), options: PlanOptions = {}) {
  const { appended } = await store.append(events, RECEIVED);
  const plan = await planProjection({ events: store, projections: store }, rules, appended.map((event) => ({ event })), options);
  await store.commit(plan.writes);
  return plan;
}

export function storeContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: ContractStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    describe('event table', () => {
      it('appends idempotently on (stream id, dedupe key) and counts duplicates', async () => {
        const a1 = newEvent(agentEvent({ agent: 'alice', id: 'e1', at: T0 }));
        const a2 = newEvent(agentEvent({ agent: 'alice', id: 'e2', at: T0 + 5_000 }));
        const c1 = newEvent(contactRecord({ id: 'contact-1', initiated: T0 }));
        const first = await store.append([a1, a2, c1], RECEIVED);
        expect(first.appended.map((e) => e.dedupeKey).sort()).toEqual([a1.dedupeKey, a2.dedupeKey, c1.dedupeKey].sort());
        expect(first.duplicates).toBe(0);
        expect(first.appended[0]!.receivedAt).toBe(RECEIVED);

        const again = await store.append([a1, a2, c1], RECEIVED + 1);
        expect(again).toEqual({ appended: [], duplicates: 3 });

        // a producer retry: same EventId, another Kinesis sequence number (so another sort key)
        const retried = newEvent(agentEvent({ agent: 'alice', id: 'e1', at: T0 }), { origin: 'kinesis', sequenceNumber: '777', shardId: 's-1' });
        expect(retried.sortKey).not.toBe(a1.sortKey);
        expect(await store.append([retried], RECEIVED)).toEqual({ appended: [], duplicates: 1 });

        // the same event twice in one call
        const a3 = newEvent(agentEvent({ agent: 'alice', id: 'e3', at: T0 + 9_000 }));
        const twice = await store.append([a3, a3], RECEIVED);
        expect(twice.appended).toHaveLength(1);
        expect(twice.duplicates).toBe(1);

        // the same dedupe key in another stream is another event
        const bob = newEvent(agentEvent({ agent: 'bob', id: 'e1', at: T0 }));
        expect((await store.append([bob], RECEIVED)).appended).toHaveLength(1);

        const counts = await store.counts();
        expect(counts.events).toBe(5);
        expect(counts.lastEventAt).toBe(Math.max(a1.occurredAt, a2.occurredAt, c1.occurredAt, a3.occurredAt));
      });

      it('keeps contact events on their own streams, idempotent on their event id, read back with their kind and facts; they feed only the queue contacts', async () => {
        const queued = newEvent(contactEvent({ id: 'ev-1', contact: 'contact-1', type: 'QUEUED', at: T0 }));
        const connected = newEvent(contactEvent({ id: 'ev-2', contact: 'contact-1', type: 'CONNECTED_TO_AGENT', at: T0 + 12_000 }));
        const record = newEvent(contactRecord({ id: 'contact-1', initiated: T0 - 30_000 }));
        expect(queued.streamId).toBe(`contact-event/${INSTANCE}/contact-1`);
        const plan = await ingest(store, [queued, connected, record]);
        expect(plan.agents).toEqual([]);
        // redelivered: the same event id and time, from another source
        expect(await store.append([newEvent(contactEvent({ id: 'ev-1', contact: 'contact-1', type: 'QUEUED', at: T0 }), { origin: 'sqs', messageId: 'm-9' })], RECEIVED)).toEqual({
          appended: [],
          duplicates: 1,
        });
        const stream = await collect(store.readStream(queued.streamId));
        expect(stream.map((e) => [e.kind, e.dedupeKey, e.occurredAt])).toEqual([
          ['contactEvent', 'ev-1', T0],
          ['contactEvent', 'ev-2', T0 + 12_000],
        ]);
        expect(stream[0]).toEqual({ ...queued, receivedAt: RECEIVED });
        const scanned = await collect(store.scanAll({ preferFacts: true }));
        expect(scanned.filter((e) => e.kind === 'contactEvent').map((e) => [e.streamId, e.dedupeKey, readFacts(e.facts, e)?.contactEvent?.eventType])).toEqual([
          [queued.streamId, 'ev-1', 'QUEUED'],
          [queued.streamId, 'ev-2', 'CONNECTED_TO_AGENT'],
        ]);
        expect(scanned.filter((e) => e.kind === 'contact').map((e) => e.streamId)).toEqual([record.streamId]);
        expect((await readViews(store)).contacts.map((c) => c.contactId)).toEqual(['contact-1']);
        expect((await store.counts()).events).toBe(3);
      });

      it('counts an empty store as empty', async () => {
        expect(await store.counts()).toEqual({ events: 0, quarantined: 0, lastEventAt: null });
        expect(await store.listQuarantine(10)).toEqual([]);
        expect(await collect(store.scanAll())).toEqual([]);
        expect(await collect(store.readStream(agentArn('nobody')))).toEqual([]);
      });

      it('reads a stream in sort-key order, whatever the append order, and after a sort key', async () => {
        const seq = (n: string) => ({ origin: 'agent-stream', shardId: 'shardId-0', sequenceNumber: n });
        const events = [
          newEvent(agentEvent({ agent: 'alice', id: 'z-late', at: T0 + 4_000 }), seq('40')),
          newEvent(agentEvent({ agent: 'alice', id: 'b-same-ms', at: T0 + 1_000 }), seq('10')),
          // seq 9 < 10: first, though its EventId sorts last (the stores key by time and EventId)
          newEvent(agentEvent({ agent: 'alice', id: 'y-same-ms', at: T0 + 1_000 }), seq('9')),
          newEvent(agentEvent({ agent: 'alice', id: 'first', at: T0 }), seq('1')),
          newEvent(agentEvent({ agent: 'alice', id: 'c-same-ms', at: T0 + 1_000 }), seq('11')),
          newEvent(agentEvent({ agent: 'alice', id: 'middle', at: T0 + 2_000 }), seq('20')),
        ];
        await store.append(events.slice(0, 3), RECEIVED);
        await store.append([newEvent(agentEvent({ agent: 'bob', id: 'other', at: T0 + 1_000 }))], RECEIVED);
        await store.append(events.slice(3), RECEIVED + 10);
        const expected = [...events].sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
        expect(expected.map((e) => e.dedupeKey)).toEqual(['first', 'y-same-ms', 'b-same-ms', 'c-same-ms', 'middle', 'z-late']);

        const all = await collect(store.readStream(agentArn('alice')));
        expect(all.map((e) => e.dedupeKey)).toEqual(expected.map((e) => e.dedupeKey));
        expect(all[0]).toEqual({ ...expected[0], receivedAt: RECEIVED + 10 });

        const after = await collect(store.readStream(agentArn('alice'), expected[1]!.sortKey));
        expect(after.map((e) => e.dedupeKey)).toEqual(['b-same-ms', 'c-same-ms', 'middle', 'z-late']);
        expect(await collect(store.readStream(agentArn('alice'), expected[5]!.sortKey))).toEqual([]);
        expect((await collect(store.readStream(agentArn('alice'), ''))).length).toBe(6);
      });

      it('stores the raw payload verbatim (large and non-ASCII too) with its source', async () => {
        const record = contactRecord({ id: 'contact-big', initiated: T0 });
        record.Attributes.note = 'お問い合わせ内容: '.repeat(300); // several KB
        const raw = JSON.stringify(record, null, 1);
        const source = { origin: 'connect-ctr', shardId: 'shardId-000000000003', sequenceNumber: '4959', partitionKey: 'contact-big', arrivedAt: T0 + 1 };
        const parsed = newEvent(record, source);
        const event = { ...parsed, raw };
        await store.append([event], RECEIVED);
        const [stored] = await collect(store.readStream(event.streamId));
        expect(stored).toEqual({ ...event, receivedAt: RECEIVED });
      });

      it('scans every event grouped by stream and in order, across pages', async () => {
        const n = subject.scanEvents;
        const agents = ['ann', 'ben', 'cho', 'dee', 'eli', 'fay', 'gus'];
        const events: NewEvent[] = [];
        for (let i = 0; i < n; i++) {
          if (i % 10 === 9) {
            events.push(newEvent(contactRecord({ id: `scan-contact-${i}`, initiated: T0 + i * 1_000 })));
          } else {
            const agent = agents[i % agents.length]!;
            // several events of an agent in the same millisecond, ordered by sequence number, not by EventId
            const at = T0 + Math.floor(i / (3 * agents.length)) * 1_000;
            events.push(newEvent(agentEvent({ agent, id: `scan-${i}`, at }), { origin: 'k', sequenceNumber: String(100_000 + ((i * 7919) % n)) }));
          }
        }
        const shuffled = [...events].sort((a, b) => (a.dedupeKey.length * 31 + a.dedupeKey.charCodeAt(a.dedupeKey.length - 1)) % 7 - (b.dedupeKey.length * 31 + b.dedupeKey.charCodeAt(b.dedupeKey.length - 1)) % 7);
        for (let i = 0; i < shuffled.length; i += 500) await store.append(shuffled.slice(i, i + 500), RECEIVED);

        const scanned = await collect(store.scanAll());
        expect(scanned).toHaveLength(n);
        const seen = new Set<string>();
        let current: string | null = null;
        let lastKey = '';
        for (const e of scanned) {
          if (e.streamId !== current) {
            expect(seen.has(e.streamId), `stream ${e.streamId} comes back in one piece`).toBe(false);
            seen.add(e.streamId);
            current = e.streamId;
            lastKey = '';
          }
          expect(e.sortKey > lastKey, `${e.streamId} in sort-key order`).toBe(true);
          lastKey = e.sortKey;
        }
        expect(new Set(scanned.map((e) => `${e.streamId}/${e.dedupeKey}`))).toEqual(new Set(events.map((e) => `${e.streamId}/${e.dedupeKey}`)));
      });

      it('quarantines rejected input with its raw bytes and reason, newest first', async () => {
        const r1: Rejection = { source: { origin: 'file.jsonl', line: 3 }, reason: 'not valid JSON', raw: '{"EventType": "STATE_CH' };
        const r2: Rejection = {
          source: { origin: 'connect-agent-events', shardId: 'shardId-0', sequenceNumber: '123', path: 'Records[2]', arrivedAt: T0 },
          reason: 'agent event: EventTimestamp: expected an ISO-8601 timestamp',
          raw: '{"EventType":"LOGIN","EventTimestamp":"昨日"}',
        };
        await store.quarantine([r1], RECEIVED);
        await store.quarantine([r2], RECEIVED + 1_000);
        const listed = await store.listQuarantine(10);
        expect(listed).toHaveLength(2);
        expect(listed.map((q) => q.reason).sort()).toEqual([r1.reason, r2.reason].sort());
        const byReason = new Map(listed.map((q) => [q.reason, q]));
        expect(byReason.get(r1.reason)).toEqual({ ...r1, receivedAt: RECEIVED });
        expect(byReason.get(r2.reason)).toEqual({ ...r2, receivedAt: RECEIVED + 1_000 });
        expect(await store.listQuarantine(1)).toHaveLength(1);
        expect((await store.counts()).quarantined).toBe(2);
        expect((await store.counts()).events).toBe(0);

        await store.quarantine([{ ...r1, reason: 'again' }, { ...r1, reason: 'and again' }], RECEIVED + 2_000);
        const latest = await store.listQuarantine(2);
        expect(latest.map((q) => q.reason)).toEqual(['and again', 'again']);
      });
    });

    describe('projections', () => {
      const alice = agentArn('alice');
      const key = (t: number, id: string) => agentSortKey(t, undefined, id);
      const iv = (dimension: Interval['dimension'], name: string, start: number, end: number, extra: Partial<Interval> = {}): Interval => ({
        agentArn: alice,
        username: 'alice',
        dimension,
        name,
        statusType: dimension === 'status' ? 'ROUTABLE' : null,
        contactId: dimension === 'contact' ? 'c-1' : null,
        start,
        end,
        ...extra,
      });
      const state = (lastEventAt: number, status = 'Available'): AgentState => ({
        ...initialAgentState(alice, INSTANCE),
        username: 'alice',
        loggedIn: true,
        status: { name: status, type: 'ROUTABLE', since: lastEventAt },
        activity: { name: status, since: lastEventAt },
        lastEventAt,
      });
      const t = (s: number) => T0 + s * 1000;
      const k1 = key(t(10), 'e1');
      const k2 = key(t(20), 'e2');
      const k3 = key(t(30), 'e3');

      function firstWrite(): AgentWrite {
        return {
          agentArn: alice,
          expectedVersion: 0,
          rewindAfter: null,
          record: { state: state(t(30)), lastSortKey: k3, sinceSnapshot: 1, version: 1 },
          intervals: [
            { ...iv('status', 'Available', t(0), t(10)), emitKey: k1 },
            { ...iv('activity', 'Available', t(0), t(10)), emitKey: k1 },
            { ...iv('contact', 'CONNECTED', t(10), t(20), { username: 'alice2' }), emitKey: k2 },
            { ...iv('contact', 'CONNECTED_ONHOLD', t(20), t(30)), emitKey: k3 },
          ],
          tallies: [
            { agentArn: alice, kind: 'hold', contactId: 'c-1', at: t(20), emitKey: k2 },
            { agentArn: alice, kind: 'handled', contactId: 'c-1', at: t(30), emitKey: k3 },
          ],
          snapshots: [{ sortKey: k2, state: state(t(20)) }],
        };
      }

      it('starts at a generation without rules, and claims rules', async () => {
        const meta = await store.meta();
        expect(meta.rulesHash).toBeNull();
        expect(meta.builtAt).toBeNull();
        await store.claimRules('hash-1');
        expect(await store.meta()).toEqual({ ...meta, rulesHash: 'hash-1' });
        expect(await store.listAgents()).toEqual([]);
        expect(await store.getAgents([alice])).toEqual(new Map());
      });

      it('round-trips agent records, intervals, tallies and snapshots', async () => {
        const w = firstWrite();
        await store.commit({ agents: [w], contacts: [] });

        const records = await store.getAgents([alice, agentArn('bob')]);
        expect([...records.keys()]).toEqual([alice]);
        expect(records.get(alice)).toEqual(w.record);
        expect(await store.listAgents()).toEqual([w.record.state]);

        const strip = <T extends { emitKey: string }>(x: T) => {
          const { emitKey: _, ...rest } = x;
          return rest;
        };
        const byStart = (a: Interval, b: Interval) => a.start - b.start || a.dimension.localeCompare(b.dimension);
        expect((await collect(store.intervals({}))).sort(byStart)).toEqual(w.intervals.map(strip).sort(byStart));
        expect(await collect(store.intervals({ agentArns: [agentArn('bob')] }))).toEqual([]);
        expect(await collect(store.intervals({ agentArns: [] }))).toEqual([]);
        // overlapping [from, to)
        const window = (await collect(store.intervals({ agentArns: [alice], from: t(15), to: t(25) }))).sort(byStart);
        expect(window.map((i) => i.name)).toEqual(['CONNECTED', 'CONNECTED_ONHOLD']);
        expect((await collect(store.intervals({ from: t(30) }))).length).toBe(0);
        expect((await collect(store.intervals({ to: t(0) }))).length).toBe(0);
        // in order of start when asked (the intervals listing streams them)
        const byStartOrder = await collect(store.intervals({ order: 'start' }));
        expect(byStartOrder.map((i) => i.start)).toEqual(w.intervals.map((i) => i.start).sort((a, b) => a - b));
        expect((await collect(store.intervals({ from: t(15), order: 'start' }))).map((i) => i.name)).toEqual(['CONNECTED', 'CONNECTED_ONHOLD']);

        expect(await collect(store.tallies({}))).toEqual(expect.arrayContaining(w.tallies.map(strip)));
        expect(await collect(store.tallies({ from: t(20), to: t(30) }))).toEqual([strip(w.tallies[0]!)]);
        expect(await collect(store.tallies({ agentArns: [agentArn('bob')] }))).toEqual([]);

        expect(await store.snapshotBefore(alice, k3)).toEqual(w.snapshots[0]);
        expect(await store.snapshotBefore(alice, k2)).toBeNull();
        expect(await store.snapshotBefore(agentArn('bob'), k3)).toBeNull();
      });

      it('rewinds outputs and snapshots emitted after a sort key', async () => {
        await store.commit({ agents: [firstWrite()], contacts: [] });
        const k4 = key(t(40), 'e4');
        await store.commit({
          agents: [
            {
              agentArn: alice,
              expectedVersion: 1,
              rewindAfter: k1,
              record: { state: state(t(40), 'Break'), lastSortKey: k4, sinceSnapshot: 0, version: 2 },
              intervals: [{ ...iv('status', 'Available', t(10), t(40)), emitKey: k4 }],
              tallies: [],
              snapshots: [{ sortKey: k4, state: state(t(40), 'Break') }],
            },
          ],
          contacts: [],
        });
        const intervals = (await collect(store.intervals({}))).sort((a, b) => a.start - b.start || a.dimension.localeCompare(b.dimension));
        expect(intervals.map((i) => `${i.dimension}:${i.name}:${(i.start - T0) / 1000}-${(i.end - T0) / 1000}`)).toEqual([
          'activity:Available:0-10',
          'status:Available:0-10',
          'status:Available:10-40',
        ]);
        expect(await collect(store.tallies({}))).toEqual([]);
        expect(await store.snapshotBefore(alice, key(t(99), 'x'))).toEqual({ sortKey: k4, state: state(t(40), 'Break') });
        expect(await store.snapshotBefore(alice, k4)).toBeNull();
        expect((await store.getAgents([alice])).get(alice)!.version).toBe(2);

        // '' rewinds everything
        const k5 = key(t(50), 'e5');
        await store.commit({
          agents: [
            {
              agentArn: alice,
              expectedVersion: 2,
              rewindAfter: '',
              record: { state: state(t(50)), lastSortKey: k5, sinceSnapshot: 0, version: 3 },
              intervals: [{ ...iv('status', 'Break', t(40), t(50)), emitKey: k5 }],
              tallies: [],
              snapshots: [],
            },
          ],
          contacts: [],
        });
        expect((await collect(store.intervals({}))).map((i) => i.name)).toEqual(['Break']);
        expect(await store.snapshotBefore(alice, key(t(99), 'x'))).toBeNull();
      });

      it('keeps the newest copy of a contact and filters contacts', async () => {
        const rules = parseRules({ timezone: 'Asia/Tokyo' });
        const { projectContact } = await import('@switchboard/core');
        const { contactFactsOf } = await import('@switchboard/core');
        const row = (spec: Parameters<typeof contactRecord>[0]): ContactProjection =>
          projectContact(contactFactsOf(contactRecord(spec)), rules);
        const handled = row({ id: 'c-handled', initiated: t(0), updated: t(500) });
        const abandoned = row({ id: 'c-abandoned', initiated: t(100), kind: 'queue-abandon' });
        const nextDay = row({ id: 'c-next-day', initiated: t(86_400 * 1.5), kind: 'ivr-abandon', exitPoint: 'menu' });
        await store.commit({ agents: [], contacts: [handled, abandoned, nextDay] });

        const versions = await store.getContactVersions([
          { instanceArn: INSTANCE, contactId: 'c-handled' },
          { instanceArn: INSTANCE, contactId: 'c-missing' },
        ]);
        expect(versions).toEqual(new Map([[`${INSTANCE}/c-handled`, handled.updatedAt]]));

        // an older copy does not replace the stored row; a newer one does
        const older = row({ id: 'c-handled', initiated: t(0), updated: t(400), kind: 'queue-abandon' });
        await store.commit({ agents: [], contacts: [older] });
        expect((await collect(store.contacts({}))).find((c) => c.contactId === 'c-handled')!.row.outcome).toBe('handled');
        const newer = row({ id: 'c-handled', initiated: t(0), updated: t(600), kind: 'ivr-complete' });
        await store.commit({ agents: [], contacts: [newer] });
        const all = await collect(store.contacts({}));
        expect(all.find((c) => c.contactId === 'c-handled')).toEqual(newer);
        expect(all).toHaveLength(3);
        // in order of start (the contacts listing streams them)
        expect(all.map((c) => c.contactId)).toEqual(['c-handled', 'c-abandoned', 'c-next-day']);

        expect((await collect(store.contacts({ outcome: 'abandoned_in_queue' }))).map((c) => c.contactId)).toEqual(['c-abandoned']);
        expect((await collect(store.contacts({ from: t(50), to: t(86_400) }))).map((c) => c.contactId)).toEqual(['c-abandoned']);
        expect((await collect(store.contacts({ from: t(86_400) }))).map((c) => c.contactId)).toEqual(['c-next-day']);
        expect(await collect(store.contacts({ to: t(0) }))).toEqual([]);
      });

      it('projects appended events the same way on replay (rebuild) as incrementally', async () => {
        const rules = parseRules({ timezone: 'Asia/Tokyo', alerts: { holdSeconds: 60 } });
        const payloads = [...agentShift('alice', T0), ...agentShift('bob', T0 + 30_000)];
        const contacts = [
          contactRecord({ id: 'alice-c1', initiated: T0 + 50_000, disconnected: T0 + 400_000, exitPoint: 'sales' }),
          contactRecord({ id: 'walkaway', initiated: T0 + 70_000, kind: 'ivr-abandon', exitPoint: 'menu' }),
        ];
        // deliver in two batches, the second with a late event for alice
        const events = [...payloads, ...contacts].map((p) => newEvent(p));
        const late = events.splice(3, 1);
        await ingest(store, events, rules);
        const plan = await ingest(store, late, rules);
        expect(plan.refolded).toBe(1);
        const incremental = await readViews(store, rules);
        expect(incremental.agents).toHaveLength(2);
        expect(incremental.intervals.length).toBeGreaterThan(20);
        expect(incremental.contacts).toHaveLength(2);

        const summary = await rebuildProjections(store, rules);
        expect(summary.events).toBeGreaterThanOrEqual(events.length + 1);
        expect(await readViews(store, rules)).toEqual(incremental);
        const report = buildReport(
          await collect(store.intervals({})),
          await collect(store.tallies({})),
          { zone: 'Asia/Tokyo', bucketMinutes: 60 },
        );
        expect(report.reduce((n, r) => n + r.holds, 0)).toBe(2);
      });
    });

    describe('documents (the latest document per key)', () => {
      const t = (s: number) => T0 + s * 1000;
      const put = (projection: string, key: string, doc: unknown, at: number | null, version = 1): DocumentWrite => ({
        projection,
        key,
        doc,
        at,
        version,
        expectedVersion: version - 1,
      });

      it('round-trips documents per projection, replaces them, files them by time and deletes them', async () => {
        await store.commit({
          agents: [],
          contacts: [],
          documents: [
            put('queues', 'Sales', { waiting: 2, names: ['お客様', 'b'] }, t(10)),
            put('queues', 'Support', { waiting: 0, names: [] }, t(86_400 * 2)),
            put('queues', 'Undated', { waiting: 1, names: [] }, null),
            put('other', 'Sales', { something: 'else' }, t(10)),
          ],
        });
        const got = await store.getDocuments('queues', ['Sales', 'Undated', 'Missing']);
        expect([...got.keys()].sort()).toEqual(['Sales', 'Undated']);
        expect(got.get('Sales')).toEqual({ key: 'Sales', doc: { waiting: 2, names: ['お客様', 'b'] }, at: t(10), version: 1 });
        expect(got.get('Undated')).toEqual({ key: 'Undated', doc: { waiting: 1, names: [] }, at: null, version: 1 });
        expect(await store.getDocuments('queues', [])).toEqual(new Map());
        expect(await store.getDocuments('nothing-here', ['Sales'])).toEqual(new Map());

        expect(await keysOf(store.documents('queues'))).toEqual(['Sales', 'Support', 'Undated']);
        expect(await keysOf(store.documents('other'))).toEqual(['Sales']);
        // [from, to) on the time a document is filed under; undated documents only without a range
        expect(await keysOf(store.documents('queues', { from: t(0), to: t(86_400) }))).toEqual(['Sales']);
        expect(await keysOf(store.documents('queues', { from: t(10) }))).toEqual(['Sales', 'Support']);
        expect(await keysOf(store.documents('queues', { from: t(11) }))).toEqual(['Support']);
        expect(await keysOf(store.documents('queues', { to: t(10) }))).toEqual([]);

        // a newer version replaces the document and can move it in time; null deletes
        await store.commit({
          agents: [],
          contacts: [],
          documents: [put('queues', 'Sales', { waiting: 3, names: [] }, t(86_400 * 3), 2), { ...put('queues', 'Undated', null, null, 2) }],
        });
        expect((await store.getDocuments('queues', ['Sales'])).get('Sales')).toEqual({ key: 'Sales', doc: { waiting: 3, names: [] }, at: t(86_400 * 3), version: 2 });
        expect(await keysOf(store.documents('queues', { from: t(0), to: t(86_400) }))).toEqual([]);
        expect(await keysOf(store.documents('queues', { from: t(86_400) }))).toEqual(['Sales', 'Support']);
        expect(await keysOf(store.documents('queues'))).toEqual(['Sales', 'Support']);
        expect(await keysOf(store.documents('other'))).toEqual(['Sales']);
      });

      it('lists many documents across pages', async () => {
        const n = 2_100;
        const documents = Array.from({ length: n }, (_, i) => put('many', `k${String(i).padStart(5, '0')}`, { i }, i % 2 === 0 ? t(i) : null));
        for (let i = 0; i < n; i += 500) await store.commit({ agents: [], contacts: [], documents: documents.slice(i, i + 500) });
        expect((await collect(store.documents('many'))).length).toBe(n);
        const dated = await collect(store.documents('many', { from: t(0), to: t(n) }));
        expect(dated.map((d) => d.doc)).toHaveLength(n / 2);
        expect(new Set(dated.map((d) => d.key)).size).toBe(n / 2);
      });

      it('records the projection versions a generation is built with', async () => {
        expect((await store.meta()).versions).toBeNull();
        await store.claimRules('hash-1', { agents: 2, contacts: 1 });
        expect(await store.meta()).toMatchObject({ rulesHash: 'hash-1', versions: { agents: 2, contacts: 1 } });
        const target = await store.beginGeneration('hash-2', { agents: 3, contacts: 1, queues: 1 });
        expect(await target.meta()).toMatchObject({ rulesHash: 'hash-2', versions: { agents: 3, contacts: 1, queues: 1 } });
        await store.switchTo(target.generation, 'hash-2', async () => undefined);
        expect(await store.meta()).toMatchObject({ generation: target.generation, rulesHash: 'hash-2', versions: { agents: 3, contacts: 1, queues: 1 } });
      });

      it('keeps a projection declared on the documents table: planned, committed, rebuilt and dropped with its generation', async () => {
        const rules = parseRules({ timezone: 'Asia/Tokyo' });
        const options = { projections: WITH_EXAMPLE };
        const queued = (id: string, initiated: number, updated?: number) => newEvent(contactRecord({ id, initiated, kind: 'queue-abandon', ...(updated ? { updated } : {}) }));
        const events = [queued('q-1', T0), queued('q-2', T0 + 60_000), newEvent(contactRecord({ id: 'flow-only', initiated: T0, kind: 'ivr-abandon' }))];
        const first = await ingest(store, events, rules, options);
        expect(first.changed).toEqual(new Set(['contacts', 'queueContacts', 'contactsPerQueue']));
        // a newer copy of q-1 and a late, older copy of q-2: newest wins per contact
        const second = await ingest(store, [queued('q-1', T0, T0 + 900_000), queued('q-2', T0 + 60_000, T0 + 100_000)], rules, options);
        expect(second.writes.documents.filter((w) => w.projection === contactsPerQueue.name).map((w) => [w.key, w.version, w.expectedVersion])).toEqual([['BasicQueue', 2, 1]]);

        const incremental = await collect(store.documents(contactsPerQueue.name));
        expect(incremental).toHaveLength(1);
        expect(incremental[0]!.doc).toEqual({
          queue: 'BasicQueue',
          contacts: { 'q-1': T0 + 900_000, 'q-2': T0 + 240_000 },
          lastDisconnectAt: T0 + 180_000,
        });

        const summary = await rebuildProjections(store, rules, undefined, options);
        expect(summary).toMatchObject({ contacts: 3, contactsPerQueue: 1 });
        expect((await store.meta()).versions).toEqual(projectionVersions(WITH_EXAMPLE));
        const rebuilt = await collect(store.documents(contactsPerQueue.name));
        expect(rebuilt.map((d) => [d.key, d.doc, d.at])).toEqual(incremental.map((d) => [d.key, d.doc, d.at]));

        // an abandoned rebuild leaves no documents behind; a new generation starts without any
        const abandoned = await store.beginGeneration('abandoned');
        await abandoned.commit({ agents: [], contacts: [], documents: [put(contactsPerQueue.name, 'Ghost', {}, T0)] });
        await store.dropGeneration(abandoned.generation);
        expect(await keysOf(store.documents(contactsPerQueue.name))).toEqual(['BasicQueue']);
        const next = await store.beginGeneration('again');
        expect(await collect(next.documents(contactsPerQueue.name))).toEqual([]);
        expect(await next.getDocuments(contactsPerQueue.name, ['Ghost', 'BasicQueue'])).toEqual(new Map());
      });
    });

    describe('queue contacts (a document projection of the product)', () => {
      it('merges contact events and records per contact, files them by disconnect time, reads queue now and intervals by range, and rebuilds the same', async () => {
        const rules = parseRules({ timezone: 'Asia/Tokyo', queues: { '*': { serviceLevelSeconds: [20] } } });
        const waiting = newEvent(contactEvent({ id: 'ev-w', contact: 'waiting', type: 'QUEUED', at: T0 + 50_000 }));
        const answered = [
          newEvent(contactEvent({ id: 'ev-q', contact: 'answered', type: 'QUEUED', at: T0 })),
          newEvent(contactEvent({ id: 'ev-a', contact: 'answered', type: 'CONNECTED_TO_AGENT', at: T0 + 12_000 })),
          newEvent(contactEvent({ id: 'ev-d', contact: 'answered', type: 'DISCONNECTED', at: T0 + 100_000 })),
        ];
        const plan = await ingest(store, [waiting, ...answered.reverse()], rules);
        expect(plan.changed.has('queueContacts')).toBe(true);
        const docs = await collect(store.documents('queueContacts'));
        expect(docs.map((d) => [d.key, d.at]).sort()).toEqual([
          [`${INSTANCE}/answered`, T0 + 100_000],
          [`${INSTANCE}/waiting`, T0 + 50_000],
        ]);
        // ranges on the filing time: the answered call disconnected after the waiting one was queued
        expect(await keysOf(store.documents('queueContacts', { from: T0 + 60_000 }))).toEqual([`${INSTANCE}/answered`]);
        expect(await keysOf(store.documents('queueContacts', { to: T0 + 60_000 }))).toEqual([`${INSTANCE}/waiting`]);
        // a duplicate delivery changes nothing; a contact record (which names the queue) adds an abandon
        await ingest(store, [answered[0]!, newEvent(contactRecord({ id: 'gone', initiated: T0 - 30_000, kind: 'queue-abandon' }))], rules);
        const now = await queryQueueNow(store, rules, T0 + 120_000);
        expect(now.queues).toMatchObject([
          { queueArn: `${INSTANCE}/queue/basic`, queueName: 'BasicQueue', waiting: 1, oldestWaitingSince: formatUtc(T0 + 50_000), today: { queued: 3, answered: 1, abandoned: 1 } },
        ]);
        const intervals = await queryQueueIntervals(store, rules, { from: T0 - 86_400_000, to: T0 + 86_400_000, bucketMinutes: 1440 });
        expect(intervals).toMatchObject([{ queueName: 'BasicQueue', contactsQueued: 2, contactsHandled: 1, contactsAbandoned: 1 }]);
        expect(await queryQueueIntervals(store, rules, { from: T0 + 86_400_000 })).toEqual([]);

        const before = await collect(store.documents('queueContacts'));
        await rebuildProjections(store, rules);
        const after = await collect(store.documents('queueContacts'));
        const byKey = (list: typeof before) => list.map((d) => [d.key, d.doc, d.at]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        expect(byKey(after)).toEqual(byKey(before));
        expect(await queryQueueNow(store, rules, T0 + 120_000)).toEqual(now);
      });
    });

    describe('agent listing (GET /api/agents)', () => {
      const profile = (name: string, queues: string[]) => ({
        ARN: `${INSTANCE}/routing-profile/${name.toLowerCase()}-id`,
        Name: name,
        InboundQueues: queues.map((q) => ({ ARN: `${INSTANCE}/queue/${q.toLowerCase()}-id`, Name: q, Channels: ['VOICE'] })),
        DefaultOutboundQueue: { ARN: `${INSTANCE}/queue/outbound-id`, Name: 'Outbound', Channels: ['VOICE'] },
      });
      const get = async (query: Record<string, string>) =>
        handleApi({ projections: store, events: store, rules: parseRules({ timezone: 'Asia/Tokyo' }) }, 'GET', '/api/agents', new URLSearchParams(query));
      const names = (body: unknown) => (body as { agents: Array<{ username: string }> }).agents.map((a) => a.username);

      beforeEach(async () => {
        const events: NewEvent[] = [];
        for (let i = 0; i < 7; i++) {
          const e = agentEvent({ agent: `agent-${i}`, id: `login-${i}`, at: T0 + i * 1000, type: 'LOGIN', status: i % 3 === 0 ? 'Break' : 'Available' });
          const p = i < 4 ? profile('Sales', ['SalesQueue']) : profile('Support', ['SupportQueue', 'VipQueue']);
          e.CurrentAgentSnapshot.Configuration.RoutingProfile = p;
          events.push(newEvent(e));
        }
        // a later event without the profile keeps the one shown before; a newer profile replaces it
        const logout = agentEvent({ agent: 'agent-1', id: 'logout-1', at: T0 + 60_000, type: 'LOGOUT' });
        delete logout.CurrentAgentSnapshot;
        events.push(newEvent(logout));
        const moved = agentEvent({ agent: 'agent-6', id: 'moved-6', at: T0 + 60_000 });
        moved.CurrentAgentSnapshot.Configuration.RoutingProfile = profile('Sales', ['SalesQueue']);
        events.push(newEvent(moved));
        await ingest(store, events);
      });

      it('pages through every agent in the order of the full list, each page after the last one shown', async () => {
        const all = (await get({})).body as Array<{ username: string }>;
        expect(all.map((a) => a.username)).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-3', 'agent-4', 'agent-5', 'agent-6']);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await get({ limit: '3', ...(cursor ? { cursor } : {}) });
          expect(res.status).toBe(200);
          const page = res.body as { agents: unknown[]; next: string | null };
          expect(page.agents.length).toBeLessThanOrEqual(3);
          seen.push(...names(page));
          cursor = page.next;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toEqual(all.map((a) => a.username));
        expect(await get({ limit: '7' })).toMatchObject({ body: { next: null } });
      });

      it('filters by queue, routing profile and status (name, id or ARN), together with paging', async () => {
        expect(names((await get({ limit: '10', routingProfile: 'Support' })).body)).toEqual(['agent-4', 'agent-5']);
        expect(names((await get({ limit: '10', routingProfile: `${INSTANCE}/routing-profile/sales-id` })).body)).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-3', 'agent-6']);
        expect(names((await get({ limit: '10', queue: 'vipqueue' })).body)).toEqual(['agent-4', 'agent-5']);
        expect(names((await get({ limit: '10', queue: `${INSTANCE}/queue/outbound-id` })).body)).toHaveLength(7);
        expect(names((await get({ limit: '10', status: 'Break' })).body)).toEqual(['agent-0', 'agent-3']);
        expect(names((await get({ limit: '10', status: 'OFFLINE' })).body)).toEqual(['agent-1']);
        expect(names((await get({ limit: '1', queue: 'SalesQueue', status: 'ROUTABLE' })).body)).toEqual(['agent-2']);
        // without limit or cursor: the whole filtered list, as before paging
        expect(((await get({ queue: 'SupportQueue' })).body as Array<{ username: string }>).map((a) => a.username)).toEqual(['agent-4', 'agent-5']);
      });

      it('refuses a bad limit or cursor with a clear message', async () => {
        expect(await get({ limit: '0' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('limit must be a whole number') } });
        expect(await get({ limit: 'ten' })).toMatchObject({ status: 400 });
        expect(await get({ cursor: 'not-a-cursor' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('cursor') } });
      });
    });

    describe('generations', () => {
      it('builds a new generation while the old one serves, then switches with catch-up', async () => {
        const tokyo = parseRules({ timezone: 'Asia/Tokyo' });
        const utc = parseRules({});
        const first = [...agentShift('alice', T0), contactRecord({ id: 'gen-contact', initiated: T0 + 50_000 })].map((p) => newEvent(p));
        await ingest(store, first, tokyo);
        await store.claimRules('old');
        const before = await readViews(store, tokyo);
        expect(before.contacts[0]!.startedAtLocal).toMatch(/\+09:00$/);
        const current = (await store.meta()).generation;

        const target = await store.beginGeneration('new');
        expect(target.generation).toBeGreaterThan(current);
        expect(await target.meta()).toMatchObject({ generation: target.generation, rulesHash: 'new' });
        // replay into the new generation under other rules
        const scanned = await collect(store.scanAll());
        const plan = await planProjection({ events: store, projections: target }, utc, scanned.map((event) => ({ event })));
        await target.commit(plan.writes);
        // until the switch, the old generation serves
        expect(await readViews(store, tokyo)).toEqual(before);
        expect((await store.meta()).generation).toBe(current);

        // an event appended while the rebuild runs is handed to catch-up
        const lateEvent = newEvent(agentEvent({ agent: 'carol', id: 'carol-1', at: T0, type: 'LOGIN' }));
        await store.append([lateEvent], RECEIVED);
        const caught: StoredEvent[] = [];
        await store.switchTo(target.generation, 'new', async (events) => {
          caught.push(...events);
          const p = await planProjection({ events: store, projections: target }, utc, events.map((event) => ({ event })));
          await target.commit(p.writes);
        });
        expect(caught.map((e) => e.dedupeKey)).toContain('carol-1');

        const meta = await store.meta();
        expect(meta.generation).toBe(target.generation);
        expect(meta.rulesHash).toBe('new');
        expect(typeof meta.builtAt).toBe('number');
        const after = await readViews(store, utc);
        expect(after.agents.map((a) => a.username)).toEqual(['alice', 'carol']);
        expect(after.contacts[0]!.startedAtLocal).not.toMatch(/\+09:00$/);
        expect(after.intervals).toEqual(before.intervals);

        // an abandoned rebuild is dropped and the current generation keeps serving
        const abandoned = await store.beginGeneration('abandoned');
        await abandoned.commit(plan.writes);
        await store.dropGeneration(abandoned.generation);
        await store.dropGeneration(meta.generation); // the current one: a no-op
        expect((await store.meta()).generation).toBe(target.generation);
        expect(await readViews(store, utc)).toEqual(after);
        const next = await store.beginGeneration('again');
        expect(next.generation).toBeGreaterThan(target.generation);
        expect(await next.listAgents()).toEqual([]);
      });
    });

    describe('alert ledger', () => {
      const alert = (id: string): Alert => ({
        id,
        kind: 'LongHold',
        at: '2024-04-18T00:01:00.000Z',
        ended: true,
        agentArn: agentArn('alice'),
        username: 'alice',
        contactId: 'c-1',
        name: 'CONNECTED_ONHOLD',
        seconds: 95.5,
        thresholdSeconds: 60,
      });

      it('publishes an occurrence once and lists recent alerts newest first', async () => {
        expect(await store.recordAlerts([alert('a1'), alert('a2')])).toEqual([alert('a1'), alert('a2')]);
        await new Promise((r) => setTimeout(r, 5));
        expect(await store.recordAlerts([alert('a1'), alert('a3'), alert('a3')])).toEqual([alert('a3')]);
        expect(await store.recordAlerts([])).toEqual([]);
        const recent = await store.recentAlerts(10);
        expect(recent).toHaveLength(3);
        expect(recent[0]).toEqual(alert('a3'));
        expect(await store.recentAlerts(1)).toEqual([alert('a3')]);
      });
    });
  });
}

export { T0, RECEIVED, collect, padTime };
export type { Tally };
