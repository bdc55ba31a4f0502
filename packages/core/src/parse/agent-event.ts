import type { AgentFacts, ContactFact, ResourceRef, RoutingProfileFact, StatusFact } from '../model.js';
import { Invalid, inside, instant, isFields, oneOf, optionalFields, optionalList, optionalText, text, fields, type Fields } from './fields.js';

export const AGENT_EVENT_TYPES = ['LOGIN', 'LOGOUT', 'STATE_CHANGE', 'HEART_BEAT'] as const;
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/**
 * Reads what the projections take from a Connect agent event, checking those
 * fields and only those: the rest of the payload (the routing profile,
 * hierarchy groups, proficiencies, fields AWS adds later) is kept verbatim and
 * never a reason to reject the event. Throws Invalid naming the field.
 */
export function readAgentEvent(e: Fields): AgentFacts {
  const eventId = text(e.EventId, 'EventId');
  const eventType = oneOf(e.EventType, 'EventType', AGENT_EVENT_TYPES);
  const at = instant(e.EventTimestamp, 'EventTimestamp');
  const agentArn = text(e.AgentARN, 'AgentARN');
  const instanceArn = optionalText(e.InstanceARN, 'InstanceARN') || instanceOf(agentArn);
  const snapshot = optionalFields(e.CurrentAgentSnapshot, 'CurrentAgentSnapshot');
  if (!snapshot && eventType !== 'LOGOUT') throw new Invalid('CurrentAgentSnapshot', `required for ${eventType}`);
  const current = snapshot && inside('CurrentAgentSnapshot', () => readSnapshot(snapshot));
  // only read for the username when the current snapshot lacks one
  const previous = optionalFields(e.PreviousAgentSnapshot, 'PreviousAgentSnapshot');
  const username = current?.username ?? (previous && inside('PreviousAgentSnapshot', () => configuredUsername(previous)));
  return {
    kind: 'agent',
    eventId,
    eventType,
    at,
    agentArn,
    instanceArn,
    username: username ?? null,
    status: current ? current.status : null,
    contacts: current ? current.contacts : [],
    ...(snapshot ? routingProfileOf(snapshot) : {}),
  };
}

/**
 * The routing profile and its queues, for filtering agents, read leniently:
 * a routing profile of an unexpected shape is left out, never a reason to
 * reject the event.
 */
function routingProfileOf(snapshot: Fields): { routingProfile?: RoutingProfileFact } {
  const configuration = snapshot.Configuration;
  const profile = isFields(configuration) ? configuration.RoutingProfile : undefined;
  if (!isFields(profile)) return {};
  const queues: ResourceRef[] = [];
  const inbound = Array.isArray(profile.InboundQueues) ? profile.InboundQueues : [];
  for (const q of [...inbound, profile.DefaultOutboundQueue]) {
    if (!isFields(q)) continue;
    const ref = resourceRef(q);
    if (!queues.some((r) => r.id === ref.id && r.name === ref.name)) queues.push(ref);
  }
  return { routingProfile: { ...resourceRef(profile), queues } };
}

function resourceRef(r: Fields): ResourceRef {
  return { id: resourceId(typeof r.ARN === 'string' ? r.ARN : null), name: typeof r.Name === 'string' ? r.Name : null };
}

/** The id at the end of a Connect ARN (…/queue/<id>); a value that is no ARN is its own id. */
export function resourceId(arn: string | null | undefined): string | null {
  if (!arn) return null;
  return arn.slice(arn.lastIndexOf('/') + 1) || null;
}

function readSnapshot(s: Fields): { status: StatusFact; contacts: ContactFact[]; username: string | null } {
  const status = inside('AgentStatus', () => statusOf(fields(s.AgentStatus, 'AgentStatus')));
  const username = configuredUsername(s);
  const list = optionalList(s.Contacts, 'Contacts');
  return { status, username, contacts: list ? contactsOf(list) : [] };
}

function configuredUsername(s: Fields): string | null {
  const configuration = optionalFields(s.Configuration, 'Configuration');
  return (configuration && inside('Configuration', () => optionalText(configuration.Username, 'Username'))) ?? null;
}

/** The status as sent: a missing Type stays null, for the projector to type under the rules. */
function statusOf(status: Fields): StatusFact {
  const name = text(status.Name, 'Name');
  return { name, type: optionalText(status.Type, 'Type') || null };
}


function contactsOf(list: unknown[]): ContactFact[] {
  const out: ContactFact[] = [];
  for (let i = 0; i < list.length; i++) {
    const contact = inside(`Contacts[${i}]`, () => contactOf(list[i]));
    // a contact is listed once; keep the first if a payload repeats it
    if (!out.some((c) => c.contactId === contact.contactId)) out.push(contact);
  }
  return out;
}

function contactOf(c: unknown): ContactFact {
  if (!isFields(c)) throw new Invalid('', `expected object, got ${c === null ? 'null' : Array.isArray(c) ? 'an array' : typeof c}`);
  const queue = optionalFields(c.Queue, 'Queue');
  return {
    contactId: text(c.ContactId, 'ContactId'),
    state: text(c.State, 'State'),
    channel: optionalText(c.Channel, 'Channel') ?? null,
    initiationMethod: optionalText(c.InitiationMethod, 'InitiationMethod') ?? null,
    initialContactId: optionalText(c.InitialContactId, 'InitialContactId') ?? null,
    queueName: (queue && inside('Queue', () => optionalText(queue.Name, 'Name'))) ?? null,
    // interval boundaries come from EventTimestamp; this one only tells that the contact reached the agent
    connectedToAgent: Boolean(optionalText(c.ConnectedToAgentTimestamp, 'ConnectedToAgentTimestamp')),
  };
}

/** arn:aws:connect:region:acct:instance/ID/agent/AGENT -> arn:aws:connect:region:acct:instance/ID */
export function instanceOf(agentArn: string): string {
  const i = agentArn.indexOf('/agent/');
  return i > 0 ? agentArn.slice(0, i) : agentArn;
}
