import { beforeAll, describe, expect, it } from 'vitest';
import {
  foldQueueContacts,
  isAbandoned,
  predecessors,
  projectContact,
  observeContactEvent,
  observeContactRecord,
  parseRecord,
  parseRules,
  queueIntervals,
  queueNow,
  queueContactKey,
  type QueueObservation,
} from '@switchboard/core';
import { simulate, type SimEvent } from '../src/simulator/index.js';
import { collect, latestRecords, type Payload } from './simulator-helpers.js';

const OPTIONS = { agents: 12, hours: 4, seed: 7 };
const second = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

function observe(e: SimEvent): QueueObservation | null {
  const r = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'simulator' });
  if (!r.ok) throw new Error(r.reason);
  if (r.contactEvent) return observeContactEvent(r.contactEvent, r.event.dedupeKey);
  if (r.contact) return observeContactRecord(r.contact);
  return null;
}

describe('simulator: contact events', () => {
  let events: SimEvent[];
  let byContact: Map<string, Payload[]>;
  let records: Map<string, Payload>;

  beforeAll(() => {
    events = collect(simulate(OPTIONS));
    records = latestRecords(events);
    byContact = new Map();
    const seen = new Set<string>();
    for (const e of events) {
      if (e.kind !== 'contactEvent' || seen.has(e.payload.id as string)) continue;
      seen.add(e.payload.id as string);
      const list = byContact.get(e.partitionKey) ?? [];
      list.push(e.payload as Payload);
      byContact.set(e.partitionKey, list);
    }
  });

  it('then every contact with a record has its events, in lifecycle order, with the times and agent its record and agent events carry', () => {
    expect(records.size).toBeGreaterThan(300);
    for (const [id, r] of records) {
      const list = byContact.get(id) ?? [];
      const types = list.map((p) => p.detail.eventType);
      const expected = ['INITIATED', ...(r.Channel === 'CHAT' ? ['CONNECTED_TO_SYSTEM'] : []), ...(r.Queue ? ['QUEUED'] : []), ...(r.Agent ? ['CONNECTED_TO_AGENT'] : []), 'DISCONNECTED', 'COMPLETED'];
      expect(types, id).toEqual(expected);
      const at = (type: string) => list.find((p) => p.detail.eventType === type)!.detail;
      expect(second(at('INITIATED').initiationTimestamp)).toBe(Date.parse(r.InitiationTimestamp));
      if (r.Queue) expect(second(at('QUEUED').queueInfo.enqueueTimestamp)).toBe(Date.parse(r.Queue.EnqueueTimestamp));
      if (r.Queue) expect(at('QUEUED').queueInfo.queueArn).toBe(r.Queue.ARN);
      if (r.Agent) expect(at('CONNECTED_TO_AGENT').agentInfo).toMatchObject({ agentArn: r.Agent.ARN });
      if (r.Agent) expect(second(at('CONNECTED_TO_AGENT').agentInfo.connectedToAgentTimestamp)).toBe(Date.parse(r.Agent.ConnectedToAgentTimestamp));
      expect(second(at('DISCONNECTED').disconnectTimestamp)).toBe(Date.parse(r.DisconnectTimestamp));
      if (r.Agent) expect(at('COMPLETED').agentInfo.afterContactWorkEndTimestamp.slice(0, 19)).toBe(r.Agent.AfterContactWorkEndTimestamp.slice(0, 19));
      if (r.PreviousContactId) expect(at('INITIATED').previousContactId).toBe(r.PreviousContactId);
    }
    expect(new Set(byContact.keys())).toEqual(new Set(records.keys()));
  });

  it('then callers wait in the queue for realistic times, and some give up there', () => {
    const waits: number[] = [];
    let gaveUp = 0;
    for (const list of byContact.values()) {
      const queued = list.find((p) => p.detail.eventType === 'QUEUED');
      if (!queued) continue;
      const connected = list.find((p) => p.detail.eventType === 'CONNECTED_TO_AGENT');
      const gone = list.find((p) => p.detail.eventType === 'DISCONNECTED')!;
      const left = connected ? connected.detail.agentInfo.connectedToAgentTimestamp : gone.detail.disconnectTimestamp;
      waits.push((Date.parse(left) - Date.parse(queued.detail.queueInfo.enqueueTimestamp)) / 1000);
      if (!connected && !records.get(queued.detail.contactId)!.NextContactId) gaveUp++;
    }
    waits.sort((a, b) => a - b);
    expect(waits.length).toBeGreaterThan(200);
    expect(gaveUp).toBeGreaterThan(0);
    expect(waits[0]).toBeGreaterThanOrEqual(0);
    expect(waits[Math.floor(waits.length / 2)]).toBeLessThan(300);
    expect(waits.at(-1)).toBeGreaterThan(20);
  });

  it('then a few events are delivered twice, verbatim (EventBridge delivers at least once)', () => {
    const copies = new Map<string, string[]>();
    for (const e of events) if (e.kind === 'contactEvent') copies.set(e.payload.id as string, [...(copies.get(e.payload.id as string) ?? []), JSON.stringify(e.payload)]);
    const twice = [...copies.values()].filter((c) => c.length > 1);
    expect(twice.length).toBeGreaterThan(0);
    for (const c of twice) expect(new Set(c).size).toBe(1);
  });

  it('then the queue projections of the contact events alone agree with those of the contact records alone', () => {
    const rules = parseRules({ timezone: 'Asia/Tokyo' });
    const fromEvents = foldQueueContacts(events.filter((e) => e.kind === 'contactEvent').map(observe) as QueueObservation[]);
    const fromRecords = foldQueueContacts(events.filter((e) => e.kind === 'contact').map(observe) as QueueObservation[]);
    // the events name no queues, so their rows sort by ARN: compare as sets
    const counts = (rows: ReturnType<typeof queueIntervals>) => rows.map((r) => JSON.stringify([r.queueArn, r.channel, r.bucketStart, r.contactsQueued, r.contactsHandled, r.contactsAbandoned])).sort();
    const byRecords = queueIntervals(fromRecords.values(), rules);
    expect(counts(queueIntervals(fromEvents.values(), rules))).toEqual(counts(byRecords));
    expect(byRecords.reduce((n, r) => n + r.contactsAbandoned, 0)).toBeGreaterThan(0);
    const end = events.at(-1)!.at;
    // sales, support, chat and task queues: nobody left waiting
    expect(queueNow(fromEvents.values(), rules, end).queues.map((q) => q.waiting)).toEqual([0, 0, 0, 0]);
  });

  it('then, contact by contact, the contact rows and the queue projections agree on abandoned and on handed on (transfers, callbacks)', () => {
    const rules = parseRules({ timezone: 'Asia/Tokyo' });
    const outcomes = new Map<string, string>();
    for (const e of events) {
      if (e.kind !== 'contact') continue;
      const r = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'simulator' });
      if (!r.ok || !r.contact) throw new Error('not a contact record');
      const contact = projectContact(r.contact, rules);
      outcomes.set(queueContactKey(contact), contact.row.outcome);
    }
    // the queue projections as they stand before any contact record: from the contact events alone
    const fromEvents = foldQueueContacts(events.filter((e) => e.kind === 'contactEvent').map(observe) as QueueObservation[]);
    const handedOn = predecessors(fromEvents.values());
    // queued and over, with a record (records come about a minute after the contact: the last ones fall after the end)
    const queued = [...fromEvents.values()].filter((c) => c.enqueuedAt !== null && c.disconnectedAt !== null && outcomes.has(queueContactKey(c)));
    expect(queued.length).toBeGreaterThan(200);
    const seen = { abandoned: 0, transferred: 0 };
    for (const c of queued) {
      const key = queueContactKey(c);
      const outcome = outcomes.get(key)!;
      expect(isAbandoned(c, handedOn), `${c.contactId}: ${outcome}`).toBe(outcome === 'abandoned_in_queue');
      if (outcome === 'transferred') seen.transferred++;
      if (outcome === 'abandoned_in_queue') seen.abandoned++;
      // a queued contact is transferred in its row exactly when a contact of its chain follows it
      if (c.connectedToAgentAt === null) expect(handedOn.has(key), `${c.contactId}: ${outcome}`).toBe(outcome === 'transferred');
    }
    expect(seen.abandoned).toBeGreaterThan(0);
    expect(seen.transferred).toBeGreaterThan(0);
  });

  it('given contact events turned off, then there are none and the rest of the traffic is the same', () => {
    const without = collect(simulate({ ...OPTIONS, contactEvents: false }));
    expect(without.some((e) => e.kind === 'contactEvent')).toBe(false);
    expect(without).toEqual(events.filter((e) => e.kind !== 'contactEvent'));
  });
});
