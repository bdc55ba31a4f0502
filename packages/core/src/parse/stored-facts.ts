import type { AgentFacts, ContactFact, NewEvent, ResourceRef, RoutingProfileFact, StatusFact } from '../model.js';
import { contactIdOfEventStream, type ContactEventFacts } from './contact-event.js';
import type { ContactFacts } from './contact-record.js';

/**
 * The facts stored beside each event: what the projectors read of it, so that
 * a replay need not parse the payload again. Version of what they hold: bump
 * it when parseRecord derives the facts differently; facts of another version
 * are ignored and replays read the raw payload instead.
 *
 * Agent events and contact events, nine in ten events, are stored as JSON
 * arrays in a fixed order, without what the event row holds already (the
 * agent, the contact id, the instance, the time): a million events are
 * written, read back by every rebuild and, in AWS, billed by the kilobyte.
 * Object-shaped facts (how this version stored them before) are still read.
 */
export const FACTS_VERSION = 6;

/** What stored facts leave out: it is in the event's own columns already. */
export type FactsFromEvent = Pick<NewEvent, 'kind' | 'dedupeKey' | 'occurredAt' | 'streamId' | 'instanceArn'>;

export type EventFacts =
  | { agent: AgentFacts; contact?: undefined; contactEvent?: undefined }
  | { contact: ContactFacts; agent?: undefined; contactEvent?: undefined }
  | { contactEvent: ContactEventFacts; agent?: undefined; contact?: undefined };

/** A contact's initial contact is most often the contact itself: stored as this marker. */
const SAME_CONTACT = 1;

type StoredStatus = [name: string, type: string | null];
type StoredContact = [contactId: string, state: string, channel: string | null, initiationMethod: string | null, initialContactId: string | typeof SAME_CONTACT | null, queueName: string | null, connectedToAgent: 0 | 1];
type StoredResource = [id: string | null, name: string | null];
type StoredRoutingProfile = [id: string | null, name: string | null, queues: StoredResource[]];
type StoredAgentFacts = [v: number, eventType: AgentFacts['eventType'], username: string | null, status: StoredStatus | null, contacts: StoredContact[], routingProfile: StoredRoutingProfile | null];

/** The facts of an agent event as stored beside it. */
export function storedFacts(agent: AgentFacts): string {
  const rp = agent.routingProfile;
  const stored: StoredAgentFacts = [
    FACTS_VERSION,
    agent.eventType,
    agent.username,
    agent.status ? [agent.status.name, agent.status.type] : null,
    agent.contacts.map((c) => [c.contactId, c.state, c.channel, c.initiationMethod, c.initialContactId === c.contactId ? SAME_CONTACT : c.initialContactId, c.queueName, c.connectedToAgent ? 1 : 0]),
    rp ? [rp.id, rp.name, rp.queues.map((q) => [q.id, q.name])] : null,
  ];
  return JSON.stringify(stored);
}

/** The facts of a contact record as stored beside it (a tenth of the events: kept as an object). */
export function storedContactFacts(contact: ContactFacts): string {
  return JSON.stringify({ v: FACTS_VERSION, ...contact });
}

type StoredContactEventFacts = [
  v: number,
  eventType: string,
  initialContactId: string | typeof SAME_CONTACT | null,
  previousContactId: string | null,
  channel: string | null,
  initiationMethod: string | null,
  queueArn: StoredArn,
  queueType: string | null,
  agentArn: StoredArn,
  initiatedAt: number | null,
  connectedToSystemAt: number | null,
  enqueuedAt: number | null,
  connectedToAgentAt: number | null,
  disconnectedAt: number | null,
  afterContactWorkEndAt: number | null,
];

/** The facts of a contact event as stored beside it: ARNs of its own instance by what follows the instance. */
export function storedContactEventFacts(f: ContactEventFacts): string {
  const stored: StoredContactEventFacts = [
    FACTS_VERSION,
    f.eventType,
    f.initialContactId === f.contactId ? SAME_CONTACT : f.initialContactId,
    f.previousContactId,
    f.channel,
    f.initiationMethod,
    withinInstance(f.queueArn, f.instanceArn),
    f.queueType,
    withinInstance(f.agentArn, f.instanceArn),
    f.initiatedAt,
    f.connectedToSystemAt,
    f.enqueuedAt,
    f.connectedToAgentAt,
    f.disconnectedAt,
    f.afterContactWorkEndAt,
  ];
  return JSON.stringify(stored);
}

/**
 * An ARN under the contact's instance as what follows the instance
 * ("/queue/<id>"); any other value as it is, or, when it too starts with "/",
 * in an array of one, so that the two never read alike.
 */
type StoredArn = string | [string] | null;

function withinInstance(arn: string | null, instanceArn: string): StoredArn {
  if (arn === null) return null;
  if (arn.startsWith(instanceArn) && arn.charCodeAt(instanceArn.length) === SLASH) return arn.slice(instanceArn.length);
  return arn.charCodeAt(0) === SLASH ? [arn] : arn;
}

function fullArn(stored: StoredArn, instanceArn: string): string | null {
  if (stored === null) return null;
  if (typeof stored !== 'string') return stored[0];
  return stored.charCodeAt(0) === SLASH ? `${instanceArn}${stored}` : stored;
}

const SLASH = 47;

/** Stored facts of this version, or null when they must be derived again from the raw payload. */
export function readFacts(json: string | undefined, event: FactsFromEvent): EventFacts | null {
  if (!json) return null;
  const f = JSON.parse(json) as unknown;
  if (Array.isArray(f)) {
    if (f[0] !== FACTS_VERSION) return null;
    if (event.kind === 'agent') return { agent: agentFacts(f as StoredAgentFacts, event) };
    if (event.kind === 'contactEvent') return { contactEvent: contactEventFacts(f as StoredContactEventFacts, event) };
    return null;
  }
  // object-shaped facts, as this version stored them before; no copy: replays read a million of these
  const o = f as { v?: number };
  if (o.v !== FACTS_VERSION) return null;
  if (event.kind === 'contact') return { contact: o as ContactFacts };
  if (event.kind === 'contactEvent') return { contactEvent: o as ContactEventFacts };
  const a = o as Pick<AgentFacts, 'eventType' | 'username' | 'status' | 'contacts' | 'routingProfile'>;
  return { agent: agentOf(event, a.eventType, a.username, a.status, a.contacts, a.routingProfile) };
}

function agentFacts(f: StoredAgentFacts, event: FactsFromEvent): AgentFacts {
  const [, eventType, username, status, contacts, rp] = f;
  return agentOf(
    event,
    eventType,
    username,
    status ? ({ name: status[0], type: status[1] } satisfies StatusFact) : null,
    contacts.map(
      (c): ContactFact => ({
        contactId: c[0],
        state: c[1],
        channel: c[2],
        initiationMethod: c[3],
        initialContactId: c[4] === SAME_CONTACT ? c[0] : c[4],
        queueName: c[5],
        connectedToAgent: c[6] === 1,
      }),
    ),
    rp ? ({ id: rp[0], name: rp[1], queues: rp[2].map((q): ResourceRef => ({ id: q[0], name: q[1] })) } satisfies RoutingProfileFact) : undefined,
  );
}

function agentOf(
  event: FactsFromEvent,
  eventType: AgentFacts['eventType'],
  username: string | null,
  status: StatusFact | null,
  contacts: ContactFact[],
  routingProfile: RoutingProfileFact | undefined,
): AgentFacts {
  const facts: AgentFacts = { kind: 'agent', eventId: event.dedupeKey, eventType, at: event.occurredAt, agentArn: event.streamId, instanceArn: event.instanceArn, username, status, contacts };
  if (routingProfile) facts.routingProfile = routingProfile;
  return facts;
}

function contactEventFacts(f: StoredContactEventFacts, event: FactsFromEvent): ContactEventFacts {
  const instanceArn = event.instanceArn;
  const contactId = contactIdOfEventStream(event.streamId, instanceArn);
  return {
    eventType: f[1],
    contactId,
    instanceArn,
    at: event.occurredAt,
    initialContactId: f[2] === SAME_CONTACT ? contactId : f[2],
    previousContactId: f[3],
    channel: f[4],
    initiationMethod: f[5],
    queueArn: fullArn(f[6], instanceArn),
    queueType: f[7],
    agentArn: fullArn(f[8], instanceArn),
    initiatedAt: f[9],
    connectedToSystemAt: f[10],
    enqueuedAt: f[11],
    connectedToAgentAt: f[12],
    disconnectedAt: f[13],
    afterContactWorkEndAt: f[14],
  };
}
