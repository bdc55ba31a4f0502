import { describe, expect, it } from 'vitest';
import {
  foldQueueContacts,
  parseRules,
  queueIntervals,
  queueNow,
  queueSettings,
  RulesError,
  type QueueObservation,
  type RulesInput,
} from '@switchboard/core';
import { CALLBACKS, eventObservations, QUEUE_NAMES, recordObservation, SALES, SUPPORT, type ContactStory } from './queue-scenarios.js';

const T = Date.UTC(2024, 3, 18, 1, 0, 0); // 10:00 in Tokyo
const s = (seconds: number) => T + seconds * 1000;
const tokyo = (extra: RulesInput = {}) => parseRules({ timezone: 'Asia/Tokyo', ...extra });

function now(observations: QueueObservation[], at: number, rules = tokyo()) {
  return queueNow(foldQueueContacts(observations).values(), rules, at, { names: QUEUE_NAMES });
}
const row = (view: ReturnType<typeof now>, name: string) => view.queues.find((q) => q.queueName === name);

function intervals(observations: QueueObservation[], rules = tokyo()) {
  return queueIntervals(foldQueueContacts(observations).values(), rules, { names: QUEUE_NAMES });
}

const answered: ContactStory = { id: 'answered', initiated: s(0), queue: SALES, enqueued: s(20), agent: 'alice', connected: s(35), disconnected: s(200), completed: s(230), hold: 30, holds: 1, interaction: 135 };

describe('queue now', () => {
  it('given a call through the IVR, the queue and an agent, then it is in the flow, then waiting, then on contact (through after-contact work), and counted today', () => {
    const events = eventObservations(answered);
    const upTo = (n: number) => events.slice(0, n);
    expect(now(upTo(1), s(10)).inFlow).toBe(1);
    const waiting = now(upTo(2), s(30));
    expect(waiting.inFlow).toBe(0);
    expect(row(waiting, 'Sales')).toMatchObject({ waiting: 1, oldestWaitingSince: s(20), agentsOnContact: 0, today: { date: '2024-04-18', queued: 1, answered: 0 } });
    const talking = now(upTo(3), s(60));
    expect(row(talking, 'Sales')).toMatchObject({ waiting: 0, oldestWaitingSince: null, agentsOnContact: 1, today: { queued: 1, answered: 1, abandoned: 0, serviceLevel: { '20': 1 } } });
    expect(row(now(upTo(4), s(210)), 'Sales')!.agentsOnContact).toBe(1); // after-contact work
    expect(row(now(events, s(240)), 'Sales')!.agentsOnContact).toBe(0);
  });

  it('given a caller who hangs up while an agent\'s phone rings, then the contact is abandoned (no agent connection), before and after its record', () => {
    const story: ContactStory = { id: 'rang', initiated: s(0), queue: SALES, enqueued: s(10), offered: true, disconnected: s(70) };
    const byEvents = now(eventObservations(story), s(80));
    expect(row(byEvents, 'Sales')!.today).toMatchObject({ queued: 1, answered: 0, abandoned: 1 });
    const withRecord = now([...eventObservations(story), recordObservation(story)], s(200));
    expect(row(withRecord, 'Sales')!.today).toMatchObject({ queued: 1, answered: 0, abandoned: 1 });
  });

  it('given a caller in the queue who asks for a callback, then the call is not abandoned and the callback waits in its queue', () => {
    const inbound: ContactStory = { id: 'in', initiated: s(0), queue: SALES, enqueued: s(10), disconnected: s(100) };
    const callback: ContactStory = { id: 'cb', method: 'CALLBACK', previous: 'in', initiated: s(100), queue: CALLBACKS, enqueued: s(101) };
    const view = now([...eventObservations(inbound), ...eventObservations(callback)], s(300));
    expect(row(view, 'Sales')!.today).toMatchObject({ queued: 1, abandoned: 0, serviceLevel: { '20': 0 } });
    expect(row(view, 'Callbacks')).toMatchObject({ waiting: 1, oldestWaitingSince: s(101) });
    // the inbound call's record names the callback: still no abandon once the callback's events are pruned away
    const recorded = now([...eventObservations(inbound), recordObservation({ ...inbound, next: 'cb' })], s(300));
    expect(row(recorded, 'Sales')!.today.abandoned).toBe(0);
  });

  it('given an agent who transfers a call to another queue, then the first queue answered it and the second one has it waiting; nobody abandoned', () => {
    const first: ContactStory = { ...answered, id: 'first', next: 'second' };
    const second: ContactStory = { id: 'second', method: 'TRANSFER', previous: 'first', initiated: s(200), queue: SUPPORT, enqueued: s(202) };
    const view = now([...eventObservations(first), ...eventObservations(second)], s(260));
    expect(row(view, 'Sales')).toMatchObject({ waiting: 0, today: { queued: 1, answered: 1, abandoned: 0 } });
    expect(row(view, 'Support')).toMatchObject({ waiting: 1, oldestWaitingSince: s(202), today: { queued: 1, answered: 0, abandoned: 0 } });
  });

  it('given duplicates and any delivery order, then the view is the same as in order', () => {
    const stories: ContactStory[] = [answered, { id: 'b', initiated: s(5), queue: SALES, enqueued: s(40) }, { id: 'c', initiated: s(7), queue: SUPPORT, enqueued: s(9), disconnected: s(99) }];
    const inOrder = stories.flatMap(eventObservations);
    const shuffled = [...inOrder].reverse().flatMap((o, i) => (i % 2 === 0 ? [o, o] : [o]));
    expect(now(shuffled, s(300))).toEqual(now(inOrder, s(300)));
  });

  it('given lost events (they are best effort), then later events and finally the contact record fill the gaps', () => {
    const events = eventObservations(answered);
    const key = (o: QueueObservation) => o.stamp[2];
    // CONNECTED_TO_AGENT lost: DISCONNECTED still carries agentInfo.connectedToAgentTimestamp
    expect(row(now(events.filter((o) => key(o) !== 'answered-a'), s(240)), 'Sales')!.today).toMatchObject({ answered: 1, abandoned: 0 });
    // only QUEUED arrived: the contact looks waiting until its record says what happened
    const queuedOnly = events.filter((o) => key(o) === 'answered-q');
    expect(row(now(queuedOnly, s(240)), 'Sales')).toMatchObject({ waiting: 1, today: { answered: 0 } });
    expect(row(now([recordObservation(answered), ...queuedOnly], s(300)), 'Sales')).toMatchObject({ waiting: 0, agentsOnContact: 0, today: { queued: 1, answered: 1, abandoned: 0 } });
  });

  it('given thresholds, then service level today counts contacts whose outcome is known: answered in time, waiting past the threshold, not a contact still within it', () => {
    const quick: ContactStory = { id: 'quick', initiated: s(0), queue: SALES, enqueued: s(0), agent: 'a', connected: s(10) };
    const slow: ContactStory = { id: 'slow', initiated: s(0), queue: SALES, enqueued: s(30) };
    const fresh: ContactStory = { id: 'fresh', initiated: s(0), queue: SALES, enqueued: s(55) };
    const view = now([quick, slow, fresh].flatMap(eventObservations), s(60), tokyo({ queues: { '*': { serviceLevelSeconds: [20, 60] } } }));
    // 20 s: quick (in), slow (30 s, out); fresh (5 s) undecided. 60 s: only quick is decided.
    expect(row(view, 'Sales')!.today.serviceLevel).toEqual({ '20': 0.5, '60': 1 });
    expect(row(view, 'Sales')).toMatchObject({ waiting: 2, oldestWaitingSince: s(30) });
  });

  it("given contacts of yesterday (in the centre's zone) and one lost long ago, then today's counts and the waiting leave them out", () => {
    const lateYesterday: ContactStory = { id: 'y', initiated: Date.UTC(2024, 3, 17, 14, 50), queue: SALES, enqueued: Date.UTC(2024, 3, 17, 14, 50), disconnected: Date.UTC(2024, 3, 17, 14, 59) };
    const lost: ContactStory = { id: 'lost', initiated: T - 3 * 86_400_000, queue: SALES, enqueued: T - 3 * 86_400_000 };
    const view = now([...eventObservations(lateYesterday), ...eventObservations(lost)], s(0));
    // 14:59 UTC is 23:59 in Tokyo on the 17th
    expect(row(view, 'Sales')).toMatchObject({ waiting: 0, today: { date: '2024-04-18', queued: 0, abandoned: 0 } });
  });
});

describe('queue intervals', () => {
  it('given contacts of a queue, then they count in the bucket where they disconnected, with the abandonment rate and service level per threshold', () => {
    const rules = tokyo({ queues: { '*': { serviceLevelSeconds: [20, 60] } } });
    const stories: ContactStory[] = [
      { id: 'in10', initiated: s(0), queue: SALES, enqueued: s(0), agent: 'a', connected: s(10), disconnected: s(14 * 60), completed: s(15 * 60 + 10) },
      { id: 'in30', initiated: s(0), queue: SALES, enqueued: s(0), agent: 'b', connected: s(30), disconnected: s(16 * 60) },
      { id: 'gone90', initiated: s(0), queue: SALES, enqueued: s(0), offered: true, disconnected: s(16 * 60 + 30) },
      { id: 'toBack', initiated: s(0), queue: SALES, enqueued: s(0), disconnected: s(17 * 60), next: 'cb' },
    ];
    // the caller who gave up waited 90 s (beyond both thresholds); the one who asked for a callback 45 s
    stories[2]!.enqueued = s(15 * 60);
    stories[3]!.enqueued = s(17 * 60 - 45);
    const rows = intervals(stories.map((st) => recordObservation(st)), rules);
    expect(rows.map((r) => [new Date(r.bucketStart).toISOString(), r.queueName, r.channel, r.contactsQueued, r.contactsHandled, r.contactsAbandoned])).toEqual([
      ['2024-04-18T01:00:00.000Z', 'Sales', 'VOICE', 1, 1, 0],
      ['2024-04-18T01:15:00.000Z', 'Sales', 'VOICE', 3, 1, 1],
    ]);
    expect(rows[1]).toMatchObject({ abandonmentRate: 1 / 3, serviceLevel: { '20': 0, '60': 2 / 3 }, avgQueueAnswerSeconds: 30 });
  });

  it('given a transfer to another queue and a callback, then neither is an abandon; the transferred call is handled in the first queue and queued in the second', () => {
    const first: ContactStory = { ...answered, id: 'first', next: 'second' };
    const second: ContactStory = { id: 'second', method: 'TRANSFER', previous: 'first', initiated: s(200), queue: SUPPORT, enqueued: s(202), agent: 'bob', connected: s(215), disconnected: s(400) };
    const inbound: ContactStory = { id: 'in', initiated: s(0), queue: SALES, enqueued: s(10), disconnected: s(100), next: 'cb' };
    const callback: ContactStory = { id: 'cb', method: 'CALLBACK', previous: 'in', initiated: s(100), queue: CALLBACKS, enqueued: s(101), agent: 'carol', connected: s(500), disconnected: s(600) };
    const rows = intervals([first, second, inbound, callback].map((st) => recordObservation(st)));
    const byQueue = Object.fromEntries(rows.map((r) => [r.queueName, [r.contactsQueued, r.contactsHandled, r.contactsAbandoned]]));
    expect(byQueue).toEqual({ Sales: [2, 1, 0], Support: [1, 1, 0], Callbacks: [1, 1, 0] });
  });

  it('given handled contacts, then the averages follow Connect: handle = interaction + hold + ACW + pause; hold over contacts put on hold; answer time over answered only', () => {
    const a: ContactStory = { id: 'a', initiated: s(0), queue: SALES, enqueued: s(0), agent: 'a', connected: s(10), disconnected: s(300), completed: s(340), interaction: 200, hold: 60, holds: 2, pause: 30 };
    const b: ContactStory = { id: 'b', initiated: s(0), queue: SALES, enqueued: s(0), agent: 'b', connected: s(30), disconnected: s(400), completed: s(420), interaction: 300 };
    const c: ContactStory = { id: 'c', initiated: s(0), queue: SALES, enqueued: s(0), disconnected: s(500) };
    const [r] = intervals([a, b, c].map((st) => recordObservation(st)), tokyo({ bucketMinutes: 60 }));
    expect(r).toMatchObject({
      contactsQueued: 3,
      contactsHandled: 2,
      contactsAbandoned: 1,
      avgQueueAnswerSeconds: 20,
      avgHandleSeconds: (200 + 60 + 40 + 30 + 300 + 0 + 20) / 2,
      avgHoldSeconds: 60,
      avgAfterContactWorkSeconds: 30,
    });
  });

  it('given contact events only (no record yet), then counts and queue times come from the events, and handle times stay unknown', () => {
    const [r] = intervals(eventObservations(answered));
    expect(r).toMatchObject({ queueName: 'Sales', contactsQueued: 1, contactsHandled: 1, avgQueueAnswerSeconds: 15, avgHandleSeconds: null });
  });

  it('given copies of a record and events in any order, then the rows are those of the newest record', () => {
    const older = recordObservation({ ...answered, hold: 5 }, answered.completed! + 10_000);
    const newer = recordObservation(answered, answered.completed! + 90_000);
    const one = intervals([...eventObservations(answered), older, newer]);
    const other = intervals([newer, older, ...eventObservations(answered).reverse(), newer]);
    expect(other).toEqual(one);
    expect(one[0]!.avgHoldSeconds).toBe(30);
  });
});

describe('queue rules', () => {
  it('given "*" and a queue by name, then each key comes from the most specific entry that sets it', () => {
    const rules = parseRules({ queues: { '*': { serviceLevelSeconds: [20, 60], oldestWaitingAlertSeconds: 120 }, Sales: { serviceLevelSeconds: [30] } } });
    expect(queueSettings(rules, { queueArn: SALES, queueName: 'Sales' })).toEqual({ serviceLevelSeconds: [30], oldestWaitingAlertSeconds: 120 });
    expect(queueSettings(rules, { queueArn: SUPPORT, queueName: 'Support' })).toEqual({ serviceLevelSeconds: [20, 60], oldestWaitingAlertSeconds: 120 });
    expect(queueSettings(parseRules({}), { queueArn: null, queueName: null })).toEqual({ serviceLevelSeconds: [20], oldestWaitingAlertSeconds: null });
  });

  it.each([
    [{ queues: { Sales: { serviceLevelSeconds: [] } } }, 'invalid rules: queues.Sales.serviceLevelSeconds: Too small: expected array to have >=1 items'],
    [{ queues: { Sales: { serviceLevelSeconds: [20, 20] } } }, 'invalid rules: queues.Sales.serviceLevelSeconds: thresholds must differ'],
    [{ queues: { '*': { serviceLevelSeconds: [700_000] } } }, 'invalid rules: queues.*.serviceLevelSeconds.0: Too big: expected number to be <=604800'],
    [{ queues: { '*': { oldestWaitingAlertSeconds: 0 } } }, 'invalid rules: queues.*.oldestWaitingAlertSeconds: Too small: expected number to be >0'],
    [{ queues: { '*': { serviceLevel: [20] } } }, 'invalid rules: queues.*: Unrecognized key: "serviceLevel"'],
  ])('given %j, then a clear error names the key', (input, message) => {
    expect(() => parseRules(input)).toThrow(new RulesError(message));
  });
});
