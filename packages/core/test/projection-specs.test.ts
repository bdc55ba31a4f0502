import { describe, expect, it } from 'vitest';
import { documentProjection } from '@switchboard/core';
import { contactsPerQueue } from '../../../test/support/example-projection.js';
import { agentEvent, contactRecord } from './builders.js';
import { agentRows, contactRows, documentRows, projectionSpec, type AgentRows } from './projection-spec.js';

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);
const t = (seconds: number) => T0 + seconds * 1000;
const iso = (seconds: number) => new Date(t(seconds)).toISOString().replace('.000', '');

const activity = (rows: AgentRows) => rows.intervals.filter((i) => i.dimension === 'activity').map((i) => [i.name, (i.start - T0) / 1000, (i.end - T0) / 1000]);

describe('agent projection specs', () => {
  const spec = projectionSpec(agentRows);
  const login = agentEvent({ type: 'LOGIN', at: t(0), status: 'Available', eventId: 'login' });
  const call = [
    agentEvent({ type: 'STATE_CHANGE', at: t(120), contacts: [{ id: 'c1', state: 'CONNECTING' }], eventId: 'ring' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(130), contacts: [{ id: 'c1', state: 'CONNECTED' }], eventId: 'answer' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(200), contacts: [{ id: 'c1', state: 'CONNECTED_ONHOLD' }], eventId: 'hold' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(245), contacts: [{ id: 'c1', state: 'CONNECTED' }], eventId: 'resume' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(300), contacts: [{ id: 'c1', state: 'ENDED' }], eventId: 'end' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(330), contacts: [], eventId: 'clear' }),
    agentEvent({ type: 'LOGOUT', at: t(400), eventId: 'logout' }),
  ];

  it('given a login, when a call with a hold arrives twice over and in any order, then the same intervals and tallies', async () => {
    await spec
      .given(login)
      .when(call, { numberOfTimes: 2, shuffled: true })
      .then((rows, path) => {
        expect(activity(rows), path).toEqual([
          ['Available', 0, 120],
          ['Incoming', 120, 130],
          ['OnContact', 130, 200],
          ['OnHold', 200, 245],
          ['OnContact', 245, 300],
          ['AfterContactWork', 300, 330],
          ['Available', 330, 400],
        ]);
        expect(rows.tallies.map((x) => [x.kind, (x.at - T0) / 1000]), path).toEqual([
          ['hold', 200],
          ['handled', 300],
        ]);
        expect(rows.agents.map((a) => a.loggedIn), path).toEqual([false]);
      });
  });
});

describe('contact projection specs', () => {
  const spec = projectionSpec(contactRows, { timezone: 'Asia/Tokyo' });
  const copy = (lastUpdate: number, extra: Partial<Parameters<typeof contactRecord>[0]> = {}) =>
    contactRecord({ contactId: 'c1', initiation: iso(0), disconnect: iso(100), lastUpdate: iso(lastUpdate), ...extra });

  it('given a contact abandoned in the queue, when a newer (handled) and an older copy arrive repeatedly in any order, then the newest copy wins', async () => {
    const abandoned = copy(200, { queue: { enqueue: iso(10), dequeue: iso(100), duration: 90 } });
    const handled = copy(300, { queue: { enqueue: iso(10), dequeue: iso(20), duration: 10 }, agent: { username: 'sato', connected: iso(20) } });
    const older = copy(150);
    await spec
      .given(abandoned)
      .when([handled, older], { numberOfTimes: 3, shuffled: true })
      .then((rows, path) => {
        expect(rows.map((r) => [r.contactId, r.row.outcome, r.row.agentUsername, r.row.lastUpdatedAt]), path).toEqual([['c1', 'handled', 'sato', new Date(t(300)).toISOString()]]);
      });
  });
});

describe('document projection specs (the example projection of the tests)', () => {
  const spec = projectionSpec(documentRows(contactsPerQueue));
  const record = (id: string, queue: string, lastUpdate: number) =>
    contactRecord({ contactId: id, initiation: iso(0), disconnect: iso(lastUpdate - 10), lastUpdate: iso(lastUpdate), queue: { name: queue, enqueue: iso(5) } });

  it('given contacts of two queues, when more copies arrive repeatedly in any order, then each queue keeps the newest copy of each contact', async () => {
    await spec
      .given(record('a', 'Sales', 100), record('b', 'Support', 100))
      .when([record('a', 'Sales', 300), record('c', 'Sales', 200), record('b', 'Support', 50)], { numberOfTimes: 2, shuffled: true })
      .then({
        Sales: { queue: 'Sales', contacts: { a: t(300), c: t(200) }, lastDisconnectAt: t(290) },
        Support: { queue: 'Support', contacts: { b: t(100) }, lastDisconnectAt: t(90) },
      });
  });

  it('fails a fold that depends on the order of delivery', async () => {
    const lastSeen = documentProjection<{ contactId: string }>({
      name: 'lastSeenPerQueue',
      version: 1,
      reads: ['contact'],
      keys: ({ contact }) => (contact?.Queue?.Name ? [contact.Queue.Name] : []),
      evolve: (_doc, { contact }) => ({ contactId: contact!.ContactId }),
    });
    const check = projectionSpec(documentRows(lastSeen))
      .given()
      .when([record('a', 'Sales', 100), record('b', 'Sales', 200)], { shuffled: true })
      .then({ Sales: { contactId: 'b' } });
    await expect(check).rejects.toThrow(/reversed|shuffled/);
  });
});
