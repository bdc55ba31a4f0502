/**
 * The queue projection as the stores keep it: the queue contact documents,
 * built through the SQLite engine (one event per batch, repeated, reversed
 * and shuffled) and by a rebuild, give the same queue now and queue
 * intervals as the pure fold of the events.
 */
import { describe, expect, it } from 'vitest';
import {
  foldQueueContacts,
  mergeObservation,
  observeContactEvent,
  observeContactRecord,
  queueContactsProjection,
  queueIntervals,
  queueNames,
  queueNow,
  readDocuments,
  stampOf,
  QUEUE_CONTACTS,
  type QueueContact,
  type QueueField,
  type QueueIntervalRow,
  type QueueNow,
  type QueueObservation,
  type Rules,
} from '@switchboard/core';
import { projectionSpec, type SpecSubject } from './projection-spec.js';
import { CALLBACKS, eventObservations, recordObservation, SALES, storyEvents, storyRecord, SUPPORT, type ContactStory } from './queue-scenarios.js';

const T = Date.UTC(2024, 3, 18, 1, 0, 0); // 10:00 in Tokyo
const s = (seconds: number) => T + seconds * 1000;
const rules = { timezone: 'Asia/Tokyo', bucketMinutes: 15 as const, queues: { '*': { serviceLevelSeconds: [20, 60] } } };

interface QueueRows {
  now: QueueNow;
  intervals: QueueIntervalRow[];
}

/** Queue now (at `at`) and queue intervals of a set of queue contacts. */
function rowsOf(contacts: QueueContact[], r: Rules, at: number): QueueRows {
  const names = queueNames(contacts);
  return { now: queueNow(contacts, r, at, { names }), intervals: queueIntervals(contacts, r, { names }) };
}

const queueRows = (at: number): SpecSubject<QueueRows> => ({
  projection: queueContactsProjection,
  fold(events, r) {
    const observations: QueueObservation[] = events.flatMap((e) =>
      e.contactEvent ? [observeContactEvent(e.contactEvent, e.event.dedupeKey)] : e.contact ? [observeContactRecord(e.contact)] : [],
    );
    return rowsOf([...foldQueueContacts(observations).values()], r, at);
  },
  async read(store, r) {
    return rowsOf((await readDocuments<QueueContact>(store, QUEUE_CONTACTS)).map((d) => d.doc), r, at);
  },
});

const sales = (rows: QueueRows) => rows.now.queues.find((q) => q.queueName === 'Sales' || q.queueArn === SALES);
const queueOf = (rows: QueueRows, arn: string) => rows.now.queues.find((q) => q.queueArn === arn);
const answered: ContactStory = { id: 'answered', initiated: s(0), queue: SALES, enqueued: s(20), agent: 'alice', connected: s(35), disconnected: s(200), completed: s(230), hold: 30, holds: 1, interaction: 135 };
const story = (x: ContactStory) => [...storyEvents(x), storyRecord(x)];

describe('queue contacts projection (engine, repeats, any order, rebuild)', () => {
  it('given a callback asked for in the queue, then the inbound call is not abandoned and the callback waits in its own queue', async () => {
    const inbound: ContactStory = { id: 'in', initiated: s(0), queue: SALES, enqueued: s(10), disconnected: s(100), next: 'cb' };
    const callback: ContactStory = { id: 'cb', method: 'CALLBACK', previous: 'in', initiated: s(100), queue: CALLBACKS, enqueued: s(101) };
    await projectionSpec(queueRows(s(300)), rules)
      .given(...storyEvents(inbound))
      .when([...storyEvents(callback), storyRecord(inbound)], { numberOfTimes: 2, shuffled: true })
      .then((rows, path) => {
        expect(sales(rows)!.today, path).toMatchObject({ queued: 1, answered: 0, abandoned: 0 });
        expect(queueOf(rows, CALLBACKS), path).toMatchObject({ waiting: 1, oldestWaitingSince: s(101) });
        expect(rows.intervals.map((r) => [r.queueName, r.contactsQueued, r.contactsAbandoned]), path).toEqual([['Sales', 1, 0]]);
      });
  });

  it('given a call transferred to another queue, then the first queue handled it, the second has it waiting, and nobody abandoned', async () => {
    const first: ContactStory = { ...answered, id: 'first', next: 'second' };
    const second: ContactStory = { id: 'second', method: 'TRANSFER', previous: 'first', initiated: s(200), queue: SUPPORT, enqueued: s(202) };
    await projectionSpec(queueRows(s(260)), rules)
      .given()
      .when([...story(first), ...storyEvents(second)], { numberOfTimes: 2, shuffled: true })
      .then((rows, path) => {
        expect(sales(rows), path).toMatchObject({ waiting: 0, today: { queued: 1, answered: 1, abandoned: 0 } });
        expect(queueOf(rows, SUPPORT), path).toMatchObject({ waiting: 1, oldestWaitingSince: s(202), today: { queued: 1, answered: 0, abandoned: 0 } });
        expect(rows.intervals, path).toMatchObject([{ queueName: 'Sales', contactsQueued: 1, contactsHandled: 1, contactsAbandoned: 0, avgHandleSeconds: 135 + 30 + 30 }]);
      });
  });

  it('given a caller who hangs up while an agent\'s phone rings, then the contact is abandoned, whatever the order of its events and record', async () => {
    const rang: ContactStory = { id: 'rang', initiated: s(0), queue: SALES, enqueued: s(10), offered: true, disconnected: s(70) };
    await projectionSpec(queueRows(s(300)), rules)
      .given()
      .when(story(rang), { numberOfTimes: 3, shuffled: true })
      .then((rows, path) => {
        expect(sales(rows), path).toMatchObject({ waiting: 0, today: { queued: 1, answered: 0, abandoned: 1, serviceLevel: { '20': 0, '60': 1 } } }); // left the queue after 60 s: within 60, as Connect counts abandons
        expect(rows.intervals, path).toMatchObject([{ contactsQueued: 1, contactsHandled: 0, contactsAbandoned: 1, abandonmentRate: 1 }]);
      });
  });

  it('given duplicates and reordering of several contacts, then queue now and the intervals are those of the events in order', async () => {
    const waiting: ContactStory = { id: 'w', initiated: s(5), queue: SALES, enqueued: s(40) };
    const gone: ContactStory = { id: 'g', initiated: s(7), queue: SUPPORT, enqueued: s(9), disconnected: s(99) };
    const events = [...story(answered), ...storyEvents(waiting), ...story(gone)];
    await projectionSpec(queueRows(s(300)), rules)
      .given()
      .when(events, { numberOfTimes: 2, shuffled: true })
      .then((rows, path) => {
        expect(sales(rows), path).toMatchObject({ waiting: 1, oldestWaitingSince: s(40), today: { queued: 2, answered: 1, abandoned: 0 } });
        expect(queueOf(rows, SUPPORT)!.today, path).toMatchObject({ queued: 1, abandoned: 1 });
        expect(rows.intervals.map((r) => [r.queueName, r.contactsQueued, r.contactsHandled, r.contactsAbandoned]), path).toEqual([
          ['Sales', 1, 1, 0],
          ['Support', 1, 0, 1],
        ]);
      });
  });
});

describe('queue contact documents stored by an earlier version', () => {
  it('given a document of version 1 (the stamp behind each field keyed by field name), then later observations fold into it as into the current shape', () => {
    const story: ContactStory = { id: 'c-old', initiated: s(0), queue: SALES, enqueued: s(5), agent: 'alice', connected: s(30), disconnected: s(200), completed: s(230), interaction: 170 };
    const [first, ...rest] = [...eventObservations(story), recordObservation(story)];
    const current = foldQueueContacts([first!]).values().next().value!;
    const fields = Object.keys(current).filter((k) => !['instanceArn', 'contactId', 'seen', 'from'].includes(k)) as QueueField[];
    const legacyFrom = Object.fromEntries(fields.flatMap((f) => (stampOf(current, f) ? [[f, current.seen.indexOf(stampOf(current, f)!)]] : [])));
    expect(Object.keys(legacyFrom).length).toBeGreaterThan(0);
    const legacy = { ...current, from: legacyFrom } as unknown as QueueContact;
    for (const f of fields) expect(stampOf(legacy, f), f).toEqual(stampOf(current, f));
    const folded = rest.reduce<QueueContact>((doc, o) => mergeObservation(doc, o), legacy);
    expect(folded).toEqual(foldQueueContacts([first!, ...rest]).values().next().value);
  });
});
