import { describe, expect, it } from 'vitest';
import { Engine, foldQueueContacts, ongoingQueueAlerts, parseRules, queueWaitAlert, rebuildProjections, serviceLevelAlerts, type Alert, type RulesInput } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { candidate } from './harness.js';
import { eventObservations, recordObservation, SALES, storyEvents, SUPPORT, type ContactStory } from './queue-scenarios.js';

const T = Date.UTC(2024, 3, 18, 1, 0, 0); // 10:00 in Tokyo, the start of a 15-minute bucket
const s = (seconds: number) => T + seconds * 1000;
const rulesOf = (queues: RulesInput['queues']) => parseRules({ timezone: 'Asia/Tokyo', queues });
const contactsOf = (stories: ContactStory[], withRecords = false) =>
  [...foldQueueContacts(stories.flatMap((x) => [...eventObservations(x), ...(withRecords && x.disconnected !== undefined ? [recordObservation(x)] : [])])).values()];

const slow: ContactStory = { id: 'slow', initiated: s(0), queue: SALES, enqueued: s(10), agent: 'alice', connected: s(200), disconnected: s(400) };

describe('queue alerts', () => {
  it('given a contact still waiting past oldestWaitingAlertSeconds, then the sweep raises LongQueueWait; when it leaves the queue, the ended alert has the same id', () => {
    const rules = rulesOf({ '*': { oldestWaitingAlertSeconds: 120 }, Support: { oldestWaitingAlertSeconds: 600 } });
    const waiting = contactsOf([{ ...slow, connected: undefined, disconnected: undefined, agent: undefined }]);
    expect(ongoingQueueAlerts(waiting, s(100), rules)).toEqual([]); // 90 s so far
    const [going] = ongoingQueueAlerts(waiting, s(140), rules);
    expect(going).toMatchObject({ kind: 'LongQueueWait', ended: false, contactId: 'slow', seconds: 130, thresholdSeconds: 120, at: new Date(s(130)).toISOString() });
    const [ended] = contactsOf([slow]).flatMap((c) => queueWaitAlert(c, rules, true));
    expect(ended).toMatchObject({ kind: 'LongQueueWait', ended: true, seconds: 190, id: going!.id });
    // another queue's own threshold; a contact answered in time raises nothing
    expect(contactsOf([{ ...slow, queue: SUPPORT }], true).flatMap((c) => queueWaitAlert(c, rules, true))).toEqual([]);
    expect(contactsOf([{ ...slow, connected: s(60) }]).flatMap((c) => queueWaitAlert(c, rules, true))).toEqual([]);
    expect(ongoingQueueAlerts(waiting, s(10_000), rulesOf({}))).toEqual([]); // no threshold, no alert
  });

  it('given a service level target, then the current bucket below it raises ServiceLevelBelowTarget once per queue, channel and bucket; at or above target, nothing', () => {
    const rules = rulesOf({ '*': { serviceLevelSeconds: [60], serviceLevelTarget: { seconds: 20, percent: 80 } } });
    const quick = (id: string): ContactStory => ({ id, initiated: s(0), queue: SALES, enqueued: s(5), agent: 'a', connected: s(15), disconnected: s(100) });
    const late: ContactStory = { id: 'late', initiated: s(0), queue: SALES, enqueued: s(5), agent: 'a', connected: s(45), disconnected: s(100) };
    // 3 of 4 within 20 s: 75 % < 80 %
    const below = serviceLevelAlerts(contactsOf([quick('a'), quick('b'), quick('c'), late], true), s(600), rules);
    expect(below).toEqual([
      expect.objectContaining({
        kind: 'ServiceLevelBelowTarget',
        name: 'Sales',
        id: `ServiceLevelBelowTarget:${SALES}:VOICE:${T}`,
        serviceLevel: { bucketStart: '2024-04-18T01:00:00.000Z', percent: 75, targetPercent: 80, contactsQueued: 4, channel: 'VOICE' },
      }),
    ]);
    expect(serviceLevelAlerts(contactsOf([quick('a'), quick('b'), quick('c'), quick('d'), late]), s(600), rules)).toEqual([]); // 80 %
    // the next bucket starts afresh
    expect(serviceLevelAlerts(contactsOf([quick('a'), late]), s(900 + 60), rules)).toEqual([]);
    expect(serviceLevelAlerts(contactsOf([quick('a'), late]), s(600), rulesOf({}))).toEqual([]); // no target
  });

  it('given the engine, then a long wait is raised by the sweep and again when it ends, published once, and a rebuild raises none', async () => {
    const rules = rulesOf({ '*': { oldestWaitingAlertSeconds: 120 } });
    const store = SqliteStore.open(':memory:');
    try {
      const raised: Alert[] = [];
      const engine = new Engine(store, rules, { alerts: (a) => raised.push(...a) }, () => s(1000));
      const events = storyEvents(slow);
      await engine.ingestBatch(events.slice(0, 2).map((p, i) => candidate(p, i + 1)));
      expect(await engine.sweep(s(100))).toEqual([]);
      expect(await engine.sweep(s(150))).toMatchObject([{ kind: 'LongQueueWait', ended: false }]);
      expect(await engine.sweep(s(160))).toEqual([]); // the same occurrence
      await engine.ingestBatch(events.slice(2).map((p, i) => candidate(p, i + 3)));
      await engine.ingestBatch(events.map((p, i) => candidate(p, i + 1))); // redelivered
      expect(raised.map((a) => [a.kind, a.ended])).toEqual([['LongQueueWait', false]]);
      await rebuildProjections(store, rules);
      expect((await store.recentAlerts(10)).map((a) => a.kind)).toEqual(['LongQueueWait']);
    } finally {
      store.close();
    }
  });
});
