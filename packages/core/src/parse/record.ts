import type { AgentFacts, NewEvent, SourceRef } from '../model.js';
import { readAgentEvent } from './agent-event.js';
import { CONTACT_EVENT_DETAIL_TYPE, contactEventStreamId, isContactEventPayload, isEnveloped, readContactEvent, type ContactEventFacts } from './contact-event.js';
import { readContactRecord, type ContactFacts } from './contact-record.js';
import { Invalid, isFields, type Fields } from './fields.js';
import { storedContactEventFacts, storedContactFacts, storedFacts } from './stored-facts.js';

export { FACTS_VERSION, readFacts, storedContactEventFacts, storedContactFacts, storedFacts, type EventFacts } from './stored-facts.js';

export type ParsedRecord =
  | { ok: true; event: NewEvent; agent: AgentFacts; contact?: undefined; contactEvent?: undefined }
  | { ok: true; event: NewEvent; contact: ContactFacts; agent?: undefined; contactEvent?: undefined }
  | { ok: true; event: NewEvent; contactEvent: ContactEventFacts; agent?: undefined; contact?: undefined }
  | { ok: false; reason: string };

/**
 * One kind of Connect record: how to tell it from the others, and how to read
 * what the projections need from it (checking exactly that, and throwing
 * Invalid with the field's path when it is wrong). A new kind of input is one
 * more entry in RECORD_KINDS.
 */
interface RecordKind {
  /** names the kind in rejection reasons */
  name: string;
  matches(v: Fields): boolean;
  read(v: Fields, raw: string, source: SourceRef): ParsedRecord;
}

const RECORD_KINDS: readonly RecordKind[] = [
  // first: a contact event's detail alone also has an event type, in any case
  { name: 'contact event', matches: isContactEventPayload, read: contactEvent },
  {
    name: 'agent event',
    matches: (v) => 'EventType' in v || 'AgentARN' in v || 'CurrentAgentSnapshot' in v,
    read: agentEvent,
  },
  {
    name: 'contact record',
    matches: (v) => 'AWSContactTraceRecordFormatVersion' in v || ('ContactId' in v && ('InitiationTimestamp' in v || 'LastUpdateTimestamp' in v)),
    read: contactRecord,
  },
];

function kindOf(value: unknown): RecordKind | undefined {
  return isFields(value) ? RECORD_KINDS.find((k) => k.matches(value)) : undefined;
}

/** Validates one decoded JSON value as a Connect agent event, contact record or contact event. Never throws. */
export function parseRecord(value: unknown, raw: string, source: SourceRef): ParsedRecord {
  const kind = kindOf(value);
  if (!kind) return { ok: false, reason: notConnectReason(value) };
  try {
    return kind.read(value as Fields, raw, source);
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: `${kind.name}: ${err.message}` };
    throw err;
  }
}

function notConnectReason(value: unknown): string {
  if (value === null) return 'not a Connect agent event or contact record: got null';
  if (Array.isArray(value)) return 'not a Connect agent event or contact record: got an array';
  if (typeof value !== 'object') return `not a Connect agent event or contact record: got ${typeof value}`;
  return 'not a Connect agent event or contact record: no EventType/AgentARN nor ContactId/AWSContactTraceRecordFormatVersion (nor a contact event: no detail-type)';
}

function agentEvent(value: Fields, raw: string, source: SourceRef): ParsedRecord {
  const agent = readAgentEvent(value);
  return {
    ok: true,
    agent,
    event: {
      kind: 'agent',
      streamId: agent.agentArn,
      dedupeKey: agent.eventId,
      instanceArn: agent.instanceArn,
      occurredAt: agent.at,
      sortKey: agentSortKey(agent.at, source.sequenceNumber, agent.eventId),
      source,
      raw,
      facts: storedFacts(agent),
    },
  };
}

function contactRecord(value: Fields, raw: string, source: SourceRef): ParsedRecord {
  const { facts: contact, updatedAt } = readContactRecord(value);
  return {
    ok: true,
    contact,
    event: {
      kind: 'contact',
      streamId: contactStreamId(contact.InstanceARN, contact.ContactId),
      dedupeKey: `${contact.ContactId}@${updatedAt}`,
      instanceArn: contact.InstanceARN,
      occurredAt: updatedAt,
      sortKey: padTime(updatedAt),
      source,
      raw,
      facts: storedContactFacts(contact),
    },
  };
}

function contactEvent(value: Fields, raw: string, source: SourceRef): ParsedRecord {
  if (isEnveloped(value) && value['detail-type'] !== CONTACT_EVENT_DETAIL_TYPE) {
    return { ok: false, reason: `not a Connect contact event: detail-type ${JSON.stringify(value['detail-type'] ?? null)}` };
  }
  const { facts: contactEvent, dedupeKey } = readContactEvent(value);
  return {
    ok: true,
    contactEvent,
    event: {
      kind: 'contactEvent',
      streamId: contactEventStreamId(contactEvent.instanceArn, contactEvent.contactId),
      dedupeKey,
      instanceArn: contactEvent.instanceArn,
      occurredAt: contactEvent.at,
      sortKey: `${padTime(contactEvent.at)}|${dedupeKey}`,
      source,
      raw,
      facts: storedContactEventFacts(contactEvent),
    },
  };
}

export function contactStreamId(instanceArn: string, contactId: string): string {
  return `contact/${instanceArn}/${contactId}`;
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

