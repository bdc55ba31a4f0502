import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentFacts } from '../src/model.js';
import type { ContactEventFacts } from '../src/parse/contact-event.js';
import { contactEventStreamId } from '../src/parse/contact-event.js';
import { FACTS_VERSION, readFacts, storedContactEventFacts, storedFacts } from '../src/parse/stored-facts.js';
import { INSTANCE } from './builders.js';

const OTHER_INSTANCE = 'arn:aws:connect:us-east-1:999999999999:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const id = fc.uuid();
const text = fc.oneof(fc.string(), fc.constantFrom('/', '/queue/x', 'arn:aws:connect:x', ''));
const orNull = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const time = orNull(fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }));
/** ARNs under the contact's instance, under another, and values that merely look like the stored short form */
const arn = (instance: string) =>
  orNull(fc.oneof(id.map((q) => `${instance}/queue/${q}`), id.map((a) => `${OTHER_INSTANCE}/agent/${a}`), text, fc.constant(instance)));

const contactEventArb = fc
  .record({ instanceArn: fc.constantFrom(INSTANCE, OTHER_INSTANCE), contactId: id, sameInitial: fc.boolean() })
  .chain(({ instanceArn, contactId, sameInitial }) =>
    fc.record<ContactEventFacts>({
      eventType: fc.constantFrom('INITIATED', 'QUEUED', 'CONNECTED_TO_AGENT', 'DISCONNECTED', 'SOMETHING_NEW'),
      contactId: fc.constant(contactId),
      instanceArn: fc.constant(instanceArn),
      at: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
      initialContactId: sameInitial ? fc.constant(contactId) : orNull(id),
      previousContactId: orNull(id),
      channel: orNull(fc.constantFrom('VOICE', 'CHAT', 'TASK')),
      initiationMethod: orNull(text),
      queueArn: arn(instanceArn),
      queueType: orNull(text),
      agentArn: arn(instanceArn),
      initiatedAt: time,
      connectedToSystemAt: time,
      enqueuedAt: time,
      connectedToAgentAt: time,
      disconnectedAt: time,
      afterContactWorkEndAt: time,
    }),
  );

const resource = fc.record({ id: orNull(id), name: orNull(text) });
const agentArb: fc.Arbitrary<AgentFacts> = fc
  .record({
    eventType: fc.constantFrom('LOGIN', 'LOGOUT', 'STATE_CHANGE', 'HEART_BEAT') as fc.Arbitrary<AgentFacts['eventType']>,
    eventId: id,
    at: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
    agent: id,
    username: orNull(text),
    status: orNull(fc.record({ name: text, type: orNull(fc.constantFrom('ROUTABLE', 'CUSTOM', 'OFFLINE')) })),
    contacts: fc.array(
      id.chain((contactId) =>
        fc.record({
          contactId: fc.constant(contactId),
          state: text,
          channel: orNull(text),
          initiationMethod: orNull(text),
          initialContactId: fc.oneof(fc.constant(contactId), orNull(id)),
          queueName: orNull(text),
          connectedToAgent: fc.boolean(),
        }),
      ),
      { maxLength: 3 },
    ),
    routingProfile: fc.option(fc.record({ id: orNull(id), name: orNull(text), queues: fc.array(resource, { maxLength: 4 }) }), { nil: undefined }),
  })
  .map(({ agent, routingProfile, ...a }) => ({
    kind: 'agent' as const,
    ...a,
    agentArn: `${INSTANCE}/agent/${agent}`,
    instanceArn: INSTANCE,
    ...(routingProfile ? { routingProfile } : {}),
  }));

const contactEventRow = (f: ContactEventFacts) => ({ kind: 'contactEvent' as const, streamId: contactEventStreamId(f.instanceArn, f.contactId), dedupeKey: 'e-1', occurredAt: f.at, instanceArn: f.instanceArn });
const agentRow = (a: AgentFacts) => ({ kind: 'agent' as const, streamId: a.agentArn, dedupeKey: a.eventId, occurredAt: a.at, instanceArn: a.instanceArn });

describe('facts stored beside each event', () => {
  it('property: a contact event’s facts read back equal to those parsed, whatever its ARNs, ids and times', () => {
    fc.assert(
      fc.property(contactEventArb, (f) => {
        expect(readFacts(storedContactEventFacts(f), contactEventRow(f))).toEqual({ contactEvent: f });
      }),
    );
  });

  it('property: an agent event’s facts read back equal to those parsed', () => {
    fc.assert(
      fc.property(agentArb, (a) => {
        expect(readFacts(storedFacts(a), agentRow(a))).toEqual({ agent: a });
      }),
    );
  });

  it('given facts stored as objects (as this version stored them before), then they read back the same', () => {
    fc.assert(
      fc.property(contactEventArb, agentArb, (f, a) => {
        // read without a copy, as before: the version stays on the object
        expect(readFacts(JSON.stringify({ v: FACTS_VERSION, ...f }), contactEventRow(f))).toEqual({ contactEvent: { v: FACTS_VERSION, ...f } });
        const { eventType, username, status, contacts, routingProfile } = a;
        expect(readFacts(JSON.stringify({ v: FACTS_VERSION, eventType, username, status, contacts, routingProfile }), agentRow(a))).toEqual({ agent: a });
      }),
    );
  });

  it('given facts of another version, then nothing is read (the payload is parsed again)', () => {
    fc.assert(
      fc.property(contactEventArb, (f) => {
        const stored = JSON.parse(storedContactEventFacts(f)) as unknown[];
        stored[0] = FACTS_VERSION + 1;
        expect(readFacts(JSON.stringify(stored), contactEventRow(f))).toBeNull();
      }),
    );
  });

  it('given a queued contact of its own instance, then its facts take under half the bytes of the object form', () => {
    const f: ContactEventFacts = {
      eventType: 'QUEUED',
      contactId: '0a1b2c3d-0000-4000-8000-000000000001',
      instanceArn: INSTANCE,
      at: 1_713_398_400_000,
      initialContactId: '0a1b2c3d-0000-4000-8000-000000000001',
      previousContactId: null,
      channel: 'VOICE',
      initiationMethod: 'INBOUND',
      queueArn: `${INSTANCE}/queue/2f1b6dab-20ac-4b8e-b735-c275eeaa6bdc`,
      queueType: 'STANDARD',
      agentArn: null,
      initiatedAt: 1_713_398_380_000,
      connectedToSystemAt: 1_713_398_381_000,
      enqueuedAt: 1_713_398_400_000,
      connectedToAgentAt: null,
      disconnectedAt: null,
      afterContactWorkEndAt: null,
    };
    expect(storedContactEventFacts(f).length).toBeLessThan(JSON.stringify({ v: FACTS_VERSION, ...f }).length / 2);
  });
});
