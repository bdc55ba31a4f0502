import { describeValue, inside, isFields, instant, Invalid, optionalFields, optionalInstant, optionalNumber, optionalText, readEach, text, type Fields } from './fields.js';

type Maybe<T> = T | null | undefined;

/**
 * What the contact and queue projections read from a contact record (all of Attributes:
 * the rules name the attributes that matter), with the record's own field
 * names. Stored beside the record so that replays need not parse it again.
 */
export interface ContactFacts {
  ContactId: string;
  InstanceARN: string;
  InitialContactId?: Maybe<string>;
  PreviousContactId?: Maybe<string>;
  NextContactId?: Maybe<string>;
  Channel?: Maybe<string>;
  InitiationMethod?: Maybe<string>;
  InitiationTimestamp: string;
  DisconnectTimestamp?: Maybe<string>;
  LastUpdateTimestamp: string;
  DisconnectReason?: Maybe<string>;
  Attributes?: Maybe<Record<string, unknown>>;
  CustomerEndpoint?: Maybe<{ Type?: Maybe<string>; Address?: Maybe<string> }>;
  Agent?: Maybe<{
    ARN?: Maybe<string>;
    Username?: Maybe<string>;
    ConnectedToAgentTimestamp?: Maybe<string>;
    AgentInteractionDuration?: Maybe<number>;
    AgentPauseDuration?: Maybe<number>;
    NumberOfHolds?: Maybe<number>;
    CustomerHoldDuration?: Maybe<number>;
    AfterContactWorkDuration?: Maybe<number>;
    AfterContactWorkStartTimestamp?: Maybe<string>;
    AfterContactWorkEndTimestamp?: Maybe<string>;
  }>;
  Queue?: Maybe<{ ARN?: Maybe<string>; Name?: Maybe<string>; EnqueueTimestamp?: Maybe<string>; DequeueTimestamp?: Maybe<string>; Duration?: Maybe<number> }>;
}

/**
 * The JSON types of the other documented top-level fields of a contact record
 * (connect-data.md 2.2). Nothing reads them, but a record whose documented field
 * has another type is not a contact record as Connect writes it; checking
 * the type alone costs next to nothing (their contents are not checked).
 */
export const DOCUMENTED_FIELD_TYPES: ReadonlyArray<readonly [string, 'string' | 'number' | 'object' | 'array']> = [
  ['AWSAccountId', 'string'],
  ['AWSContactTraceRecordFormatVersion', 'string'],
  ['RelatedContactId', 'string'],
  ['AgentConnectionAttempts', 'number'],
  ['ScheduledTimestamp', 'string'],
  ['TransferCompletedTimestamp', 'string'],
  ['TransferredToEndpoint', 'object'],
  ['MediaStreams', 'array'],
  ['Recording', 'object'],
  ['Recordings', 'array'],
  ['References', 'array'],
  ['ContactDetails', 'object'],
  ['Campaign', 'object'],
  ['AnsweringMachineDetectionStatus', 'string'],
  ['Tags', 'object'],
  ['SegmentAttributes', 'object'],
  ['ConnectedToSystemTimestamp', 'string'],
  ['SystemEndpoint', 'object'],
];

function checkDocumentedTypes(r: Fields): void {
  for (const [key, type] of DOCUMENTED_FIELD_TYPES) {
    const v = r[key];
    if (v === undefined || v === null) continue;
    const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? typeof v === 'object' && !Array.isArray(v) : typeof v === type;
    if (!ok) throw new Invalid(key, `expected ${type}, got ${describeValue(v)}`);
  }
}

/**
 * Reads what the contact and queue projections take from a contact record (CTR),
 * checking those fields: ids, the timestamps it computes with, durations,
 * names. Throws Invalid naming the field.
 */
export function readContactRecord(r: Fields): { facts: ContactFacts; updatedAt: number } {
  const contactId = text(r.ContactId, 'ContactId');
  const instanceArn = text(r.InstanceARN, 'InstanceARN');
  checkDocumentedTypes(r);
  instant(r.InitiationTimestamp, 'InitiationTimestamp');
  const updatedAt = instant(r.LastUpdateTimestamp, 'LastUpdateTimestamp');
  const attributes = optionalFields(r.Attributes, 'Attributes');
  const endpoint = optionalFields(r.CustomerEndpoint, 'CustomerEndpoint');
  const agent = optionalFields(r.Agent, 'Agent');
  const queue = optionalFields(r.Queue, 'Queue');
  const facts: ContactFacts = {
    ContactId: contactId,
    InstanceARN: instanceArn,
    InitialContactId: optionalText(r.InitialContactId, 'InitialContactId'),
    PreviousContactId: optionalText(r.PreviousContactId, 'PreviousContactId'),
    NextContactId: optionalText(r.NextContactId, 'NextContactId'),
    Channel: optionalText(r.Channel, 'Channel'),
    InitiationMethod: optionalText(r.InitiationMethod, 'InitiationMethod'),
    InitiationTimestamp: r.InitiationTimestamp as string,
    DisconnectTimestamp: optionalInstant(r.DisconnectTimestamp, 'DisconnectTimestamp'),
    LastUpdateTimestamp: r.LastUpdateTimestamp as string,
    DisconnectReason: optionalText(r.DisconnectReason, 'DisconnectReason'),
    Attributes: attributes,
    CustomerEndpoint: endpoint && inside('CustomerEndpoint', () => ({ Type: optionalText(endpoint.Type, 'Type'), Address: optionalText(endpoint.Address, 'Address') })),
    Agent: agent && inside('Agent', () => agentFacts(agent)),
    Queue: queue && inside('Queue', () => queueFacts(queue)),
  };
  return { facts, updatedAt };
}

/** The facts of a decoded contact record; throws Invalid when the record is not one. */
export function contactFactsOf(record: unknown): ContactFacts {
  if (!isFields(record)) throw new Invalid('', `expected object, got ${describeValue(record)}`);
  return readContactRecord(record).facts;
}

function agentFacts(a: Fields): NonNullable<ContactFacts['Agent']> {
  return readEach(a, {
    ARN: optionalText,
    Username: optionalText,
    ConnectedToAgentTimestamp: optionalInstant,
    AgentInteractionDuration: optionalNumber,
    AgentPauseDuration: optionalNumber,
    NumberOfHolds: optionalNumber,
    CustomerHoldDuration: optionalNumber,
    AfterContactWorkDuration: optionalNumber,
    AfterContactWorkStartTimestamp: optionalInstant,
    AfterContactWorkEndTimestamp: optionalInstant,
  });
}

function queueFacts(q: Fields): NonNullable<ContactFacts['Queue']> {
  return readEach(q, { ARN: optionalText, Name: optionalText, EnqueueTimestamp: optionalInstant, DequeueTimestamp: optionalInstant, Duration: optionalNumber });
}
