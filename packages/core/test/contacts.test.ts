import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  buildFunnel,
  parseRecord,
  parseRules,
  projectContact,
  readFacts,
  type ContactFacts,
} from '@switchboard/core';
import { contactRecord, type ContactRecordSpec } from './builders.js';
import { candidate, localEngine } from './harness.js';

const TOKYO = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' });

function payload(spec: ContactRecordSpec): ContactFacts {
  const raw = contactRecord(spec);
  const r = parseRecord(raw, JSON.stringify(raw), { origin: 'test' });
  if (!r.ok || !r.contact) throw new Error('not a contact record');
  return r.contact;
}

/** The seed article's record: the caller hung up right after the greeting. */
const seedArticle: ContactRecordSpec = {
  contactId: '9c905123-6240-4484-b9d1-4e3e40660d8e',
  initiation: '2024-04-17T23:47:52Z',
  disconnect: '2024-04-17T23:47:56Z',
  lastUpdate: '2024-04-17T23:49:03Z',
  attributes: { call_completed: 'false', call_route: 'start' },
  customer: '+81312345678',
  disconnectReason: 'CUSTOMER_DISCONNECT',
};

describe('contact flow projection', () => {
  it('given the seed article record, then start time is local, the number national, and the caller abandoned in the flow', () => {
    const { row } = projectContact(payload(seedArticle), TOKYO);
    expect(row).toMatchObject({
      contactId: '9c905123-6240-4484-b9d1-4e3e40660d8e',
      initialContactId: '9c905123-6240-4484-b9d1-4e3e40660d8e',
      startedAt: '2024-04-17T23:47:52.000Z',
      startedAtLocal: '2024-04-18T08:47:52+09:00',
      endedAt: '2024-04-17T23:47:56.000Z',
      durationSeconds: 4,
      customerNumber: '+81312345678',
      customerNumberNational: '0312345678',
      exitPoint: 'start',
      completed: false,
      outcome: 'abandoned_in_flow',
      disconnectReason: 'CUSTOMER_DISCONNECT',
      queueName: null,
      agentUsername: null,
    });
  });

  it('given a caller who went through both menus, then the exit point is the last branch and the flow completed', () => {
    const { row } = projectContact(
      payload({ ...seedArticle, attributes: { call_route: '1-2', call_completed: 'true' }, disconnectReason: 'CONTACT_FLOW_DISCONNECT' }),
      TOKYO,
    );
    expect(row).toMatchObject({ exitPoint: '1-2', completed: true, outcome: 'completed_in_flow' });
  });

  it.each([
    ['handled: connected to an agent', { agent: { username: 'sato', connected: '2024-04-17T23:48:30Z' }, queue: { enqueue: '2024-04-17T23:48:00Z' } }, 'handled'],
    ['abandoned in queue', { queue: { enqueue: '2024-04-17T23:48:00Z', dequeue: '2024-04-17T23:49:00Z', duration: 60 }, attributes: { call_route: '2-1', call_completed: 'true' } }, 'abandoned_in_queue'],
    ['completed in flow beats a customer hang-up after completion', { attributes: { call_completed: 'true' } }, 'completed_in_flow'],
    ['customer hung up in the flow without attributes', { attributes: {} }, 'abandoned_in_flow'],
    ['flow disconnect without attributes is other', { attributes: {}, disconnectReason: 'CONTACT_FLOW_DISCONNECT' }, 'other'],
    ['queued then flow-disconnected (e.g. callback) is not an abandon', { attributes: {}, queue: { enqueue: '2024-04-17T23:48:00Z' }, disconnectReason: 'OTHER' }, 'other'],
  ] as const)('given %s, then the outcome is %s', (_, spec, outcome) => {
    expect(projectContact(payload({ ...seedArticle, ...spec } as ContactRecordSpec), TOKYO).row.outcome).toBe(outcome);
  });

  it('given a number outside the configured region, then the national number is the E.164 number', () => {
    expect(projectContact(payload({ ...seedArticle, customer: '+15555550100' }), TOKYO).row.customerNumberNational).toBe('+15555550100');
  });

  it('given a mobile number, then it is national under region JP and stays E.164 without a region', () => {
    expect(projectContact(payload({ ...seedArticle, customer: '+819012345678' }), TOKYO).row.customerNumberNational).toBe('09012345678');
    expect(projectContact(payload({ ...seedArticle, customer: '+819012345678' }), parseRules({})).row.customerNumberNational).toBe(
      '+819012345678',
    );
  });

  it('given a chat (no phone endpoint), then the numbers are null', () => {
    const { row } = projectContact(payload({ ...seedArticle, channel: 'CHAT', customer: null }), TOKYO);
    expect([row.customerNumber, row.customerNumberNational]).toEqual([null, null]);
  });

  it('given configured attribute names, then exit point and completion use them', () => {
    const rules = parseRules({ flow: { exitAttribute: 'menu', completedAttribute: 'done' } });
    const { row } = projectContact(payload({ ...seedArticle, attributes: { menu: 'billing', done: 'true' } }), rules);
    expect(row).toMatchObject({ exitPoint: 'billing', completed: true, outcome: 'completed_in_flow' });
  });

  it('given a transfer, then initialContactId groups the chain and the funnel counts the chain once', () => {
    const first = projectContact(
      payload({ ...seedArticle, contactId: 'c1', agent: { username: 'a', connected: '2024-04-17T23:48:00Z' }, attributes: { call_route: '1-1', call_completed: 'true' } }),
      TOKYO,
    );
    const second = projectContact(
      payload({
        ...seedArticle,
        contactId: 'c2',
        initialContactId: 'c1',
        previousContactId: 'c1',
        initiationMethod: 'TRANSFER',
        agent: { username: 'b', connected: '2024-04-17T23:50:00Z' },
      }),
      TOKYO,
    );
    expect(second.row.initialContactId).toBe('c1');
    expect(buildFunnel([first, second])).toEqual([{ date: '2024-04-18', exitPoint: '1-1', outcome: 'handled', contacts: 1 }]);
  });

  it('given re-delivered copies in any order, then the copy with the greatest LastUpdateTimestamp wins', async () => {
    const { store, engine } = localEngine({ timezone: 'Asia/Tokyo' });
    const older = contactRecord({ ...seedArticle, lastUpdate: '2024-04-17T23:49:03Z', attributes: { call_route: 'start', call_completed: 'false' } });
    const newer = contactRecord({ ...seedArticle, lastUpdate: '2024-04-18T01:00:00Z', attributes: { call_route: '2', call_completed: 'false' } });
    await engine.ingestBatch([candidate(newer)]);
    const summary = await engine.ingestBatch([candidate(older), candidate(newer)]);
    expect(summary).toMatchObject({ appended: 1, duplicates: 1 });
    const rows = [];
    for await (const c of store.contacts({})) rows.push(c.row);
    expect(rows).toMatchObject([{ exitPoint: '2', lastUpdatedAt: '2024-04-18T01:00:00.000Z' }]);
  });

  it('given contacts on several local dates, then the funnel groups by the local date of the start', () => {
    const late = projectContact(payload({ ...seedArticle, contactId: 'x', initiation: '2024-04-18T15:30:00Z', disconnect: '2024-04-18T15:31:00Z' }), TOKYO);
    const early = projectContact(payload({ ...seedArticle, contactId: 'y', initiation: '2024-04-18T14:30:00Z', disconnect: '2024-04-18T14:31:00Z' }), TOKYO);
    expect(buildFunnel([late, early]).map((r) => r.date)).toEqual(['2024-04-18', '2024-04-19']);
  });
});

describe('stored contact facts', () => {
  const fixtures = readFileSync(new URL('../../../test/fixtures/contact-records.doc-examples.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const handled = contactRecord({
    contactId: 'c-handled',
    initiation: '2024-04-18T00:00:00Z',
    disconnect: '2024-04-18T00:05:00Z',
    queue: { name: 'Sales', enqueue: '2024-04-18T00:00:20Z', dequeue: '2024-04-18T00:01:00Z' },
    agent: { username: 'hanako', connected: '2024-04-18T00:01:00Z', hold: 30, acw: 45 },
    previousContactId: 'c-before',
  });
  // durations left out: the projection computes them from the timestamps
  const fromTimestamps = {
    ...handled,
    ContactId: 'c-timestamps',
    Queue: { Name: 'Sales', EnqueueTimestamp: '2024-04-18T00:00:20Z', DequeueTimestamp: '2024-04-18T00:01:00Z' },
    Agent: { Username: 'hanako', ConnectedToAgentTimestamp: '2024-04-18T00:01:00Z', AfterContactWorkStartTimestamp: '2024-04-18T00:05:00Z', AfterContactWorkEndTimestamp: '2024-04-18T00:05:40Z' },
    CustomerEndpoint: { Address: '+81312345678' },
  };
  const records = [...fixtures, contactRecord(seedArticle), handled, fromTimestamps];
  const ruleSets = [TOKYO, parseRules({ timezone: 'UTC', flow: { exitAttribute: 'call_completed' }, privacy: { customerNumbers: 'mask', agentNames: 'mask' } })];

  it('given contact records with every field the projection reads, then projecting the stored facts equals projecting the whole record', () => {
    expect(records.length).toBeGreaterThan(3);
    for (const raw of records) {
      const whole = raw as unknown as ContactFacts; // the record as Connect wrote it, every field
      const parsed = parseRecord(raw, JSON.stringify(raw), { origin: 'test' });
      if (!parsed.ok) throw new Error(parsed.reason);
      const stored = readFacts(parsed.event.facts, parsed.event);
      expect(stored?.contact).toBeDefined();
      for (const rules of ruleSets) expect(projectContact(stored!.contact!, rules)).toEqual(projectContact(whole, rules));
    }
  });

  it('given the facts of a contact record, then they are much smaller than the record', () => {
    const parsed = parseRecord(fixtures[0], JSON.stringify(fixtures[0]), { origin: 'test' });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.event.facts!.length).toBeLessThan(JSON.stringify(fixtures[0]).length / 2);
  });
});

