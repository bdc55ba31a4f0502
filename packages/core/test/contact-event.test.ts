import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyCandidates, parseRecord, readInput, type Candidate } from '@switchboard/core';
import { contactEvent, INSTANCE } from './builders.js';
import { candidate, localEngine } from './harness.js';

const FIXTURES = readFileSync(new URL('../../../test/fixtures/contact-events.doc-examples.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, any>);

function parse(payload: unknown) {
  return parseRecord(payload, JSON.stringify(payload), { origin: 'test' });
}

async function read(input: string | Buffer): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for await (const c of readInput([typeof input === 'string' ? Buffer.from(input) : input], 'events.jsonl')) out.push(c);
  return out;
}

const queued = contactEvent({ type: 'QUEUED', contactId: 'c1', id: 'ev-q', initiation: '2024-04-18T00:00:00.000Z', queue: { enqueue: '2024-04-18T00:00:12.345Z' }, time: '2024-04-18T00:00:12Z' });

describe('contact events: parsing', () => {
  it('given the admin guide samples in their three spellings (camelCase, PascalCase, instanceARN), then each parses with the fields the queue projections read', () => {
    const parsed = FIXTURES.map(parse);
    expect(parsed.map((p) => (p.ok ? p.contactEvent!.eventType : p.reason))).toEqual([
      'CONNECTED_TO_AGENT',
      'DISCONNECTED',
      'CONTACT_DATA_UPDATED',
      'CONNECTED_TO_AGENT',
      'CONNECTED_TO_AGENT',
    ]);
    const [connected, disconnected, updated, pascal, old] = parsed.map((p) => (p.ok ? p.contactEvent! : null!));
    const instance = 'arn:aws:connect:us-west-2:123456789012:instance/12345678-1234-1234-1234-123456789012';
    expect(connected).toMatchObject({
      contactId: '11111111-1111-1111-1111-111111111111',
      instanceArn: instance,
      channel: 'VOICE',
      queueArn: `${instance}/queue/12345678-1234-1234-1234-123456789012`,
      agentArn: `${instance}/agent/12345678-1234-1234-1234-123456789012`,
      enqueuedAt: Date.parse('2021-08-04T17:29:04.000Z'),
      connectedToAgentAt: Date.parse('2021-08-04T17:29:09.000Z'),
      at: Date.parse('2021-08-04T17:29:09.000Z'),
    });
    // "Voice" as one sample writes it; no queueInfo on an outbound contact
    expect(disconnected).toMatchObject({ channel: 'VOICE', queueArn: null, disconnectedAt: Date.parse('2021-08-04T17:18:37.000Z'), previousContactId: '11111111-2222-3333-4444-555555555555' });
    // Connect's 1970 placeholders read as "not set"; the update is timed by the envelope
    expect(updated).toMatchObject({ connectedToAgentAt: null, connectedToSystemAt: null, enqueuedAt: Date.parse('2023-10-24T02:39:15.240Z'), at: Date.parse('2023-10-24T02:39:20Z') });
    expect(pascal).toMatchObject({ contactId: '44444444-1111-1111-1111-111111111111', instanceArn: instance, enqueuedAt: Date.parse('2021-08-04T17:29:04.000Z'), agentArn: expect.stringContaining('/agent/') });
    // the oldest sample has no timestamps in its detail: the envelope's time stands in
    expect(old).toMatchObject({ instanceArn: instance, channel: 'VOICE', at: Date.parse('2021-05-01T18:43:48Z'), connectedToAgentAt: null });
  });

  it('given a contact event, then it is stored on its own stream per instance and contact, keyed by the EventBridge id, at its milestone time', () => {
    const p = parse(queued);
    expect(p.ok && p.event).toMatchObject({
      kind: 'contactEvent',
      streamId: `contact-event/${INSTANCE}/c1`,
      dedupeKey: 'ev-q',
      instanceArn: INSTANCE,
      occurredAt: Date.parse('2024-04-18T00:00:12.345Z'),
    });
  });

  it('property: a detail whose keys are spelled in any letter case reads as the documented camelCase one', () => {
    const connected = contactEvent({
      type: 'CONNECTED_TO_AGENT',
      contactId: 'c2',
      id: 'ev-c',
      initiation: '2024-04-18T00:00:00.000Z',
      queue: { enqueue: '2024-04-18T00:00:12.345Z' },
      agent: { connected: '2024-04-18T00:01:00.000Z' },
      time: '2024-04-18T00:01:00Z',
    });
    const facts = (payload: unknown) => {
      const p = parse(payload);
      return p.ok ? p.contactEvent : p.reason;
    };
    const expected = facts(connected);
    expect(expected).toMatchObject({ contactId: 'c2', agentArn: expect.any(String), connectedToAgentAt: Date.parse('2024-04-18T00:01:00.000Z') });
    const respell = (value: unknown, casing: (key: string) => string): unknown =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [casing(k), respell(v, casing)]))
        : value;
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }), (upper) => {
        const casing = (key: string) => [...key].map((ch, i) => (upper[i % 64] ? ch.toUpperCase() : ch.toLowerCase())).join('');
        expect(facts({ ...connected, detail: respell(connected.detail, casing) })).toEqual(expected);
      }),
    );
  });

  it('given the detail alone (no envelope: no id, no time), then it is keyed by event type and time', () => {
    const p = parse(queued.detail);
    expect(p.ok && p.event).toMatchObject({ dedupeKey: `QUEUED@${Date.parse('2024-04-18T00:00:12.345Z')}`, streamId: `contact-event/${INSTANCE}/c1` });
  });

  it('given a detail without instanceArn, then the instance comes from the resources', () => {
    const e = contactEvent({ type: 'INITIATED', contactId: 'c2', initiation: '2024-04-18T00:00:00.000Z' });
    delete (e.detail as Record<string, unknown>).instanceArn;
    const p = parse(e);
    expect(p.ok && p.event.instanceArn).toBe(INSTANCE);
  });

  it.each([
    ['no contact id', () => ({ ...queued, detail: { ...queued.detail, contactId: undefined } }), /^contact event: detail\.contactId: required field is missing/],
    ['a timestamp that is not one', () => ({ ...queued, detail: { ...queued.detail, disconnectTimestamp: 'yesterday' } }), /detail\.disconnectTimestamp: expected an ISO-8601 timestamp/],
    ['no instance anywhere', () => ({ ...queued, resources: [], detail: { ...queued.detail, instanceArn: null } }), /detail\.instanceArn: required/],
    ['no plausible time at all', () => ({ ...queued, time: '1970-01-01T00:00:00Z', detail: { ...queued.detail, queueInfo: { queueArn: 'q' } } }), /no plausible time for QUEUED/],
    ['another Connect event', () => ({ ...queued, 'detail-type': 'Contact Lens Realtime Rules Matched' }), /^not a Connect contact event: detail-type "Contact Lens Realtime Rules Matched"/],
    ['a detail that is not an object', () => ({ ...queued, detail: 'x' }), /detail: expected an object/],
    ['a milestone time that is not one', () => ({ ...queued, detail: { ...queued.detail, queueInfo: { queueArn: 'q', enqueueTimestamp: 'later' } } }), /^contact event: detail\.queueInfo\.enqueueTimestamp: expected an ISO-8601 timestamp, got "later"$/],
    ['a field the projections read of another type', () => ({ ...queued, detail: { ...queued.detail, channel: 7 } }), /^contact event: detail\.channel: expected string, got number 7$/],
  ])('given %s, then it is rejected with the reason', (_, make, reason) => {
    const p = parse(make());
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toMatch(reason);
  });

  it('given an event type Connect added later, then it is accepted and kept, timed by the envelope', () => {
    const p = parse(contactEvent({ type: 'TRANSFERRED_TO_SOMEWHERE', contactId: 'c3', time: '2024-04-18T01:00:00Z' }));
    expect(p.ok && p.contactEvent).toMatchObject({ eventType: 'TRANSFERRED_TO_SOMEWHERE', at: Date.parse('2024-04-18T01:00:00Z') });
  });
});

describe('contact events: envelopes and duplicates', () => {
  const lines = FIXTURES.map((f) => JSON.stringify(f));

  it('given JSON Lines, a JSON array, an EventBridge-to-Firehose file of concatenated events and gzip, then every event comes out', async () => {
    for (const input of [lines.join('\n'), JSON.stringify(FIXTURES), lines.join(''), gzipSync(lines.join('\n'))]) {
      const got = classifyCandidates(await read(input));
      expect(got.rejected).toEqual([]);
      expect(got.accepted.size).toBe(5);
    }
  });

  it('given EventBridge -> Kinesis records and a Lambda SQS event, then the events inside come out, with the SQS message id as source', async () => {
    const kinesis = { Records: FIXTURES.map((f, i) => ({ kinesis: { data: Buffer.from(JSON.stringify(f)).toString('base64'), sequenceNumber: `49${i}`, partitionKey: 'k' }, eventSource: 'aws:kinesis' })) };
    const sqs = {
      Records: FIXTURES.map((f, i) => ({ messageId: `m-${i}`, body: JSON.stringify(f), eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:switchboard-contact-events' })),
    };
    const fromKinesis = classifyCandidates(await read(JSON.stringify(kinesis)));
    const fromSqs = await read(JSON.stringify(sqs));
    expect(fromKinesis.accepted.size).toBe(5);
    expect(classifyCandidates(fromSqs).accepted.size).toBe(5);
    expect(fromSqs[2]!.source).toMatchObject({ messageId: 'm-2', path: 'Records[2]' });
  });

  it('given an SQS message whose body is not JSON, then it is rejected with the reason and the others are kept', async () => {
    const got = classifyCandidates(await read(JSON.stringify({ Records: [{ messageId: 'm-1', body: '{oops', eventSource: 'aws:sqs' }, { messageId: 'm-2', body: lines[0], eventSource: 'aws:sqs' }] })));
    expect(got.accepted.size).toBe(1);
    expect(got.rejected[0]!.rejection.reason).toMatch(/^Records\[0\]\.body: not valid JSON/);
  });

  it('given the same event delivered twice, in one batch and again later, then it is stored once; another event of the same contact is not a duplicate', async () => {
    const { store, engine } = localEngine();
    const again = { ...queued };
    const first = await engine.ingestBatch([candidate(queued), candidate(again, 2)]);
    const later = await engine.ingestBatch([candidate(queued, 3), candidate(contactEvent({ type: 'DISCONNECTED', contactId: 'c1', disconnect: '2024-04-18T00:01:00.000Z' }), 4)]);
    expect(first).toMatchObject({ appended: 1, duplicates: 1, rejected: 0 });
    expect(later).toMatchObject({ appended: 1, duplicates: 1, rejected: 0 });
    const stored = [];
    for await (const e of store.readStream(`contact-event/${INSTANCE}/c1`)) stored.push(e);
    expect(stored.map((e) => [e.kind, e.dedupeKey])).toEqual([
      ['contactEvent', 'ev-q'],
      ['contactEvent', expect.any(String)],
    ]);
  });

  it('given a malformed event among good ones, then it is quarantined with its reason and the rest are stored; the projections stay empty', async () => {
    const { store, engine } = localEngine();
    const bad = { ...queued, detail: { ...queued.detail, contactId: '' } };
    const summary = await engine.ingestBatch([candidate(queued), candidate(bad, 2)]);
    expect(summary).toMatchObject({ appended: 1, rejected: 1 });
    expect(summary.errors[0]).toEqual({ source: 'test:2', reason: expect.stringMatching(/^contact event: detail\.contactId/) });
    expect(await store.listQuarantine(10)).toHaveLength(1);
    expect(await store.listAgents()).toEqual([]);
  });
});
