import type { z } from 'zod';
import type { AgentFacts, ContactFact, NewEvent, ResourceRef, RoutingProfileFact, SourceRef, StatusFact } from '../model.js';
import { parseInstant } from '../time.js';
import {
  agentEventSchema,
  contactRecordSchema,
  describeIssue,
  type AgentEventPayload,
  type AgentSnapshotPayload,
  type ContactFacts,
  type ContactRecordPayload,
} from './schemas.js';
import { isContactEventPayload, parseContactEvent, type ContactEventFacts } from './contact-event.js';

/**
 * Version of the facts stored beside each event (what the projectors read of
 * it). Bump it when parseRecord derives AgentFacts or ContactFacts
 * differently: stored facts of another version are ignored and replays read
 * the raw payload instead.
 */
export const FACTS_VERSION = 5;

/** What stored facts leave out: it is in the event's own columns already. */
type FactsFromEvent = Pick<NewEvent, 'kind' | 'dedupeKey' | 'occurredAt' | 'streamId' | 'instanceArn'>;

/** The facts of an agent event as stored beside it (without what the event row holds). */
export function storedFacts(agent: AgentFacts): string {
  const { eventType, username, status, contacts, routingProfile } = agent;
  return JSON.stringify({ v: FACTS_VERSION, eventType, username, status, contacts, routingProfile });
}

/** The facts of a contact record as stored beside it. */
export function storedContactFacts(contact: ContactFacts): string {
  return JSON.stringify({ v: FACTS_VERSION, ...contact });
}

export type EventFacts =
  | { agent: AgentFacts; contact?: undefined; contactEvent?: undefined }
  | { contact: ContactFacts; agent?: undefined; contactEvent?: undefined }
  | { contactEvent: ContactEventFacts; agent?: undefined; contact?: undefined };

/** Stored facts of this parser version, or null when they must be derived again from the raw payload. */
export function readFacts(json: string | undefined, event: FactsFromEvent): EventFacts | null {
  if (!json) return null;
  // no copy without `v`: replays read a million of these
  const f = JSON.parse(json) as { v?: number };
  if (f.v !== FACTS_VERSION) return null;
  if (event.kind === 'contact') return { contact: f as ContactFacts };
  if (event.kind === 'contactEvent') return { contactEvent: f as ContactEventFacts };
  const a = f as Pick<AgentFacts, 'eventType' | 'username' | 'status' | 'contacts' | 'routingProfile'>;
  return {
    agent: {
      kind: 'agent',
      eventId: event.dedupeKey,
      eventType: a.eventType,
      at: event.occurredAt,
      agentArn: event.streamId,
      instanceArn: event.instanceArn,
      username: a.username,
      status: a.status,
      contacts: a.contacts,
      ...(a.routingProfile ? { routingProfile: a.routingProfile } : {}),
    },
  };
}

/** The fields of a contact record that the contact and queue projections read. */
export function contactFacts(r: ContactRecordPayload): ContactFacts {
  return {
    ContactId: r.ContactId,
    InstanceARN: r.InstanceARN,
    InitialContactId: r.InitialContactId,
    PreviousContactId: r.PreviousContactId,
    NextContactId: r.NextContactId,
    Channel: r.Channel,
    InitiationMethod: r.InitiationMethod,
    InitiationTimestamp: r.InitiationTimestamp,
    DisconnectTimestamp: r.DisconnectTimestamp,
    LastUpdateTimestamp: r.LastUpdateTimestamp,
    DisconnectReason: r.DisconnectReason,
    Attributes: r.Attributes,
    CustomerEndpoint: r.CustomerEndpoint && { Type: r.CustomerEndpoint.Type, Address: r.CustomerEndpoint.Address },
    Agent: r.Agent && {
      ARN: r.Agent.ARN,
      Username: r.Agent.Username,
      ConnectedToAgentTimestamp: r.Agent.ConnectedToAgentTimestamp,
      AgentInteractionDuration: r.Agent.AgentInteractionDuration,
      AgentPauseDuration: r.Agent.AgentPauseDuration,
      NumberOfHolds: r.Agent.NumberOfHolds,
      CustomerHoldDuration: r.Agent.CustomerHoldDuration,
      AfterContactWorkDuration: r.Agent.AfterContactWorkDuration,
      AfterContactWorkStartTimestamp: r.Agent.AfterContactWorkStartTimestamp,
      AfterContactWorkEndTimestamp: r.Agent.AfterContactWorkEndTimestamp,
    },
    Queue: r.Queue && { ARN: r.Queue.ARN, Name: r.Queue.Name, EnqueueTimestamp: r.Queue.EnqueueTimestamp, DequeueTimestamp: r.Queue.DequeueTimestamp, Duration: r.Queue.Duration },
  };
}

export type ParsedRecord =
  | { ok: true; event: NewEvent; agent: AgentFacts; contact?: undefined; contactEvent?: undefined }
  | { ok: true; event: NewEvent; contact: ContactFacts; agent?: undefined; contactEvent?: undefined }
  | { ok: true; event: NewEvent; contactEvent: ContactEventFacts; agent?: undefined; contact?: undefined }
  | { ok: false; reason: string };

export function detectKind(value: unknown): 'agent' | 'contact' | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if ('EventType' in v || 'AgentARN' in v || 'CurrentAgentSnapshot' in v) return 'agent';
  if ('AWSContactTraceRecordFormatVersion' in v) return 'contact';
  if ('ContactId' in v && ('InitiationTimestamp' in v || 'LastUpdateTimestamp' in v)) return 'contact';
  return null;
}

/** Validates one decoded JSON value as a Connect agent event, contact record or contact event. Never throws. */
export function parseRecord(value: unknown, raw: string, source: SourceRef): ParsedRecord {
  if (isContactEventPayload(value)) {
    const parsed = parseContactEvent(value, raw, source);
    if (parsed.ok) parsed.event.facts = JSON.stringify({ v: FACTS_VERSION, ...parsed.contactEvent });
    return parsed;
  }
  const kind = detectKind(value);
  if (kind === 'agent') return parseAgentEvent(value, raw, source);
  if (kind === 'contact') return parseContactRecord(value, raw, source);
  return { ok: false, reason: notConnectReason(value) };
}

function notConnectReason(value: unknown): string {
  if (value === null) return 'not a Connect agent event or contact record: got null';
  if (Array.isArray(value)) return 'not a Connect agent event or contact record: got an array';
  if (typeof value !== 'object') return `not a Connect agent event or contact record: got ${typeof value}`;
  return 'not a Connect agent event or contact record: no EventType/AgentARN nor ContactId/AWSContactTraceRecordFormatVersion (nor a contact event: no detail-type)';
}

/** Validates again with the offending values included: slower, so only for rejects. */
function failure(schema: z.ZodType, value: unknown, what: string): { ok: false; reason: string } {
  const detailed = schema.safeParse(value, { reportInput: true });
  return { ok: false, reason: detailed.success ? `${what}: invalid` : `${what}: ${describeIssue(detailed.error)}` };
}

function parseAgentEvent(value: unknown, raw: string, source: SourceRef): ParsedRecord {
  const result = agentEventSchema.safeParse(value);
  if (!result.success) return failure(agentEventSchema, value, 'agent event');
  const e = result.data;
  const snapshot = e.CurrentAgentSnapshot ?? null;
  if (!snapshot && e.EventType !== 'LOGOUT') {
    return { ok: false, reason: `agent event: CurrentAgentSnapshot: required for ${e.EventType}` };
  }
  const at = parseInstant(e.EventTimestamp)!;
  const instanceArn = e.InstanceARN || instanceOf(e.AgentARN);
  const agent: AgentFacts = {
    kind: 'agent',
    eventId: e.EventId,
    eventType: e.EventType,
    at,
    agentArn: e.AgentARN,
    instanceArn,
    username: snapshot?.Configuration?.Username ?? e.PreviousAgentSnapshot?.Configuration?.Username ?? null,
    status: snapshot ? statusOf(snapshot) : null,
    contacts: snapshot ? contactsOf(snapshot) : [],
  };
  const routingProfile = snapshot ? routingProfileOf(snapshot) : null;
  if (routingProfile) agent.routingProfile = routingProfile;
  return {
    ok: true,
    agent,
    event: {
      kind: 'agent',
      streamId: e.AgentARN,
      dedupeKey: e.EventId,
      instanceArn,
      occurredAt: at,
      sortKey: agentSortKey(at, source.sequenceNumber, e.EventId),
      source,
      raw,
      facts: storedFacts(agent),
    },
  };
}

function parseContactRecord(value: unknown, raw: string, source: SourceRef): ParsedRecord {
  const result = contactRecordSchema.safeParse(value);
  if (!result.success) return failure(contactRecordSchema, value, 'contact record');
  const r = result.data;
  const updatedAt = parseInstant(r.LastUpdateTimestamp)!;
  const contact = contactFacts(r);
  return {
    ok: true,
    contact,
    event: {
      kind: 'contact',
      streamId: contactStreamId(r.InstanceARN, r.ContactId),
      dedupeKey: `${r.ContactId}@${updatedAt}`,
      instanceArn: r.InstanceARN,
      occurredAt: updatedAt,
      sortKey: padTime(updatedAt),
      source,
      raw,
      facts: storedContactFacts(contact),
    },
  };
}

export function contactStreamId(instanceArn: string, contactId: string): string {
  return `contact/${instanceArn}/${contactId}`;
}

/** arn:aws:connect:region:acct:instance/ID/agent/AGENT -> arn:aws:connect:region:acct:instance/ID */
export function instanceOf(agentArn: string): string {
  const i = agentArn.indexOf('/agent/');
  return i > 0 ? agentArn.slice(0, i) : agentArn;
}

function statusOf(snapshot: AgentSnapshotPayload): StatusFact {
  const { Name, Type } = snapshot.AgentStatus;
  return { name: Name, type: Type || inferStatusType(Name) };
}

/** Older payloads omit AgentStatus.Type; Connect's built-in names tell it. */
export function inferStatusType(name: string): string {
  if (name === 'Offline') return 'OFFLINE';
  if (name === 'Available') return 'ROUTABLE';
  return 'CUSTOM';
}

function routingProfileOf(snapshot: AgentSnapshotPayload): RoutingProfileFact | null {
  const profile = snapshot.Configuration?.RoutingProfile;
  if (!profile) return null;
  const queues: ResourceRef[] = [];
  for (const q of [...(profile.InboundQueues ?? []), profile.DefaultOutboundQueue]) {
    const ref = q && resourceRef(q);
    if (ref && !queues.some((r) => r.id === ref.id && r.name === ref.name)) queues.push(ref);
  }
  return { ...resourceRef(profile), queues };
}

function resourceRef(r: { ARN?: string | null; Name?: string | null }): ResourceRef {
  return { id: resourceId(r.ARN), name: r.Name ?? null };
}

/** The id at the end of a Connect ARN (…/queue/<id>); a value that is no ARN is its own id. */
export function resourceId(arn: string | null | undefined): string | null {
  if (!arn) return null;
  return arn.slice(arn.lastIndexOf('/') + 1) || null;
}

function contactsOf(snapshot: AgentSnapshotPayload): ContactFact[] {
  const contacts = snapshot.Contacts ?? [];
  const out: ContactFact[] = [];
  const seen = new Set<string>();
  for (const c of contacts) {
    if (seen.has(c.ContactId)) continue; // a contact is listed once; keep the first if a payload repeats it
    seen.add(c.ContactId);
    out.push({
      contactId: c.ContactId,
      state: c.State,
      channel: c.Channel ?? null,
      initiationMethod: c.InitiationMethod ?? null,
      initialContactId: c.InitialContactId ?? null,
      queueName: c.Queue?.Name ?? null,
      connectedToAgent: Boolean(c.ConnectedToAgentTimestamp),
    });
  }
  return out;
}

export function padTime(ms: number): string {
  return String(ms).padStart(15, '0');
}

/**
 * Orders an agent's events: EventTimestamp, then Kinesis sequence number
 * (compared as a number: length first), then EventId.
 */
export function agentSortKey(at: number, sequenceNumber: string | undefined, eventId: string): string {
  const seq = sequenceNumber && /^\d+$/.test(sequenceNumber) ? sequenceNumber.replace(/^0+(?=\d)/, '') : '';
  const seqPart = seq ? `${String(seq.length).padStart(3, '0')}${seq}` : '';
  return `${padTime(at)}|${seqPart}|${eventId}`;
}

export type { AgentEventPayload };
