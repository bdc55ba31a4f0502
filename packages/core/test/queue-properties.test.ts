import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareStamps, foldQueueContacts, parseRules, queueIntervals, queueNow, type QueueObservation } from '@switchboard/core';
import { CALLBACKS, eventObservations, QUEUE_NAMES, recordObservation, SALES, storyRecord, SUPPORT, type ContactStory } from './queue-scenarios.js';

const RUNS = { numRuns: 150 };
const T = Date.UTC(2024, 3, 18, 14, 0, 0); // 23:00 in Tokyo: stories cross the local midnight
const AT = T + 3 * 3_600_000; // after everything the stories tell

type Kind = 'flow' | 'gone-in-flow' | 'waiting' | 'abandoned' | 'rang-abandoned' | 'answered' | 'callback' | 'transfer';

/** Contacts with what happened to them; callbacks and transfers bring a successor contact. */
const storiesArb = fc
  .array(
    fc.record({
      kind: fc.constantFrom<Kind>('flow', 'gone-in-flow', 'waiting', 'abandoned', 'rang-abandoned', 'answered', 'callback', 'transfer'),
      // in ms: contact events carry milliseconds, contact records whole seconds
      start: fc.integer({ min: 0, max: 100 * 60_000 }),
      flow: fc.integer({ min: 1, max: 120 }),
      wait: fc.integer({ min: 0, max: 400 }),
      talk: fc.integer({ min: 5, max: 900 }),
      acw: fc.integer({ min: 0, max: 120 }),
      hold: fc.integer({ min: 0, max: 90 }),
      queue: fc.constantFrom(SALES, SUPPORT),
      chat: fc.boolean(),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((specs) =>
    specs.flatMap((p, i): Array<ContactStory & { kind: Kind | 'successor' }> => {
      const id = `c${i}`;
      const initiated = T + p.start;
      const enqueued = initiated + p.flow * 1000;
      const left = enqueued + p.wait * 1000;
      const channel = p.chat ? 'CHAT' : 'VOICE';
      const base = { id, kind: p.kind, channel, initiated } as const;
      const talk = { agent: `agent-${i % 3}`, connected: left, disconnected: left + p.talk * 1000, completed: left + (p.talk + p.acw) * 1000, hold: p.hold, interaction: p.talk - p.hold };
      switch (p.kind) {
        case 'flow':
          return [{ ...base }];
        case 'gone-in-flow':
          return [{ ...base, disconnected: enqueued }];
        case 'waiting':
          return [{ ...base, queue: p.queue, enqueued }];
        case 'abandoned':
          return [{ ...base, queue: p.queue, enqueued, disconnected: left }];
        case 'rang-abandoned':
          return [{ ...base, queue: p.queue, enqueued, offered: true, disconnected: left }];
        case 'answered':
          return [{ ...base, queue: p.queue, enqueued, ...talk }];
        case 'callback':
          return [
            { ...base, queue: p.queue, enqueued, disconnected: left, next: `${id}-next` },
            { id: `${id}-next`, kind: 'successor', channel, method: 'CALLBACK', previous: id, initiated: left, queue: CALLBACKS, enqueued: left + 1000 },
          ];
        case 'transfer':
          return [
            { ...base, queue: p.queue, enqueued, ...talk, next: `${id}-next` },
            { id: `${id}-next`, kind: 'successor', channel, method: 'TRANSFER', previous: id, initiated: talk.disconnected, queue: p.queue === SALES ? SUPPORT : SALES, enqueued: talk.disconnected + 2000 },
          ];
      }
    }),
  );

/**
 * Two copies of a contact's record: a first one that did not know everything
 * yet (no hold, no NextContactId), and the update Connect sends later.
 */
function records(st: ContactStory): QueueObservation[] {
  const done = st.completed ?? st.disconnected!;
  return [recordObservation({ ...st, hold: 0, next: undefined }, done + 20_000), recordObservation(st, done + 90_000)];
}

/** Every contact event, and the records of the contacts that are over. */
function observations(stories: ContactStory[], withRecords: boolean): QueueObservation[] {
  return stories.flatMap((st) => [...eventObservations(st), ...(withRecords && st.disconnected !== undefined ? records(st) : [])]);
}

/** A delivery: the observations permuted, some repeated. */
const deliveryArb = (items: QueueObservation[]) =>
  fc.tuple(fc.array(fc.nat(), { minLength: items.length, maxLength: items.length }), fc.array(fc.nat({ max: Math.max(0, items.length - 1) }), { maxLength: 6 })).map(([keys, repeats]) => {
    const shuffled = items.map((o, i) => [keys[i]!, o] as const).sort((a, b) => a[0] - b[0]).map(([, o]) => o);
    return [...shuffled, ...repeats.filter(() => items.length > 0).map((i) => items[i]!)];
  });

const rules = parseRules({ timezone: 'Asia/Tokyo', queues: { '*': { serviceLevelSeconds: [20, 60] }, Support: { serviceLevelSeconds: [30] } } });
const sorted = (items: QueueObservation[]) => [...items].sort((a, b) => compareStamps(a.stamp, b.stamp));

describe('queue projections: properties', () => {
  it('(Q1) queue now == the fold of the sorted events, for any delivery order with duplicates, in any batches', () => {
    fc.assert(
      fc.property(
        storiesArb.chain((stories) => fc.tuple(fc.constant(stories), fc.boolean())).chain(([stories, withRecords]) => {
          const items = observations(stories, withRecords);
          return fc.tuple(fc.constant(items), deliveryArb(items), fc.integer({ min: 1, max: 5 }));
        }),
        ([items, delivered, batches]) => {
          const inOrder = foldQueueContacts(sorted(items));
          // delivered in batches, each merged into what the earlier ones built
          let contacts = foldQueueContacts([]);
          const size = Math.ceil(delivered.length / batches);
          for (let i = 0; i < delivered.length; i += size) contacts = foldQueueContacts(delivered.slice(i, i + size), contacts);
          expect(contacts).toEqual(inOrder);
          expect(queueNow(contacts.values(), rules, AT, { names: QUEUE_NAMES })).toEqual(queueNow(inOrder.values(), rules, AT, { names: QUEUE_NAMES }));
        },
      ),
      RUNS,
    );
  });

  it('(Q2) queue now counts what happened: waiting, in the flow, and today\'s queued, answered and abandoned per queue', () => {
    fc.assert(
      fc.property(storiesArb, fc.boolean(), (stories, withRecords) => {
        const view = queueNow(foldQueueContacts(observations(stories, withRecords)).values(), rules, AT, { names: QUEUE_NAMES });
        const dayStart = Date.UTC(2024, 3, 18, 15, 0, 0); // midnight of the 19th in Tokyo
        const today = (t: number | undefined) => t !== undefined && t >= dayStart && t <= AT;
        for (const queue of [SALES, SUPPORT, CALLBACKS]) {
          const mine = stories.filter((st) => st.queue === queue);
          const row = view.queues.find((q) => q.queueArn === queue);
          const got = row ? [row.waiting, row.today.queued, row.today.answered, row.today.abandoned] : [0, 0, 0, 0];
          expect(got, QUEUE_NAMES.get(queue)).toEqual([
            mine.filter((st) => st.disconnected === undefined && st.connected === undefined).length,
            mine.filter((st) => today(st.enqueued)).length,
            mine.filter((st) => today(st.connected)).length,
            mine.filter((st) => (st.kind === 'abandoned' || st.kind === 'rang-abandoned') && today(st.disconnected)).length,
          ]);
        }
        expect(view.inFlow).toBe(stories.filter((st) => st.kind === 'flow').length);
      }),
      RUNS,
    );
  });

  it('(Q3) queue interval counts == those computed directly from the contact records, whatever copies arrive in whatever order', () => {
    fc.assert(
      fc.property(
        storiesArb.chain((stories) => {
          const finished = stories.filter((st) => st.disconnected !== undefined && st.queue !== undefined);
          const items = finished.flatMap(records);
          return fc.tuple(fc.constant(finished), deliveryArb(items));
        }),
        ([finished, delivered]) => {
          const utc15 = parseRules({ timezone: 'UTC', bucketMinutes: 15 });
          const rows = queueIntervals(foldQueueContacts(delivered).values(), utc15);
          const got = new Map(rows.map((r) => [`${r.queueArn}|${r.channel}|${r.bucketStart}`, [r.contactsQueued, r.contactsHandled, r.contactsAbandoned]]));
          // straight from the records' JSON: one per ContactId, in the 15-minute bucket of its DisconnectTimestamp
          const expected = new Map<string, number[]>();
          for (const st of finished) {
            const r = storyRecord(st);
            const key = `${r.Queue.ARN}|${r.Channel}|${Math.floor(Date.parse(r.DisconnectTimestamp) / 900_000) * 900_000}`;
            const counts = expected.get(key) ?? [0, 0, 0];
            const queued = Boolean(r.Queue.EnqueueTimestamp);
            const handled = Boolean(r.Agent?.ConnectedToAgentTimestamp);
            counts[0]! += queued ? 1 : 0;
            counts[1]! += handled ? 1 : 0;
            counts[2]! += queued && !handled && !r.NextContactId ? 1 : 0;
            expected.set(key, counts);
          }
          expect(got).toEqual(expected);
        },
      ),
      RUNS,
    );
  });
});
