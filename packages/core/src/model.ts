/** Where an input record came from. */
export interface SourceRef {
  /** file path, "stdin", Kinesis stream name, "simulator", ... */
  origin: string;
  line?: number;
  /** position inside an envelope, e.g. Records[3] */
  path?: string;
  shardId?: string;
  sequenceNumber?: string;
  partitionKey?: string;
  /** Kinesis approximate arrival time, ms since the epoch */
  arrivedAt?: number;
  /** SQS message id (contact events reach the AWS ingest path through a queue) */
  messageId?: string;
}

export function describeSource(source: SourceRef): string {
  let out = source.origin;
  if (source.line !== undefined) out += `:${source.line}`;
  if (source.path) out += ` ${source.path}`;
  if (source.sequenceNumber && source.line === undefined) out += ` seq ${source.sequenceNumber}`;
  return out;
}

/** agent events, contact records, contact events */
export type EventKind = 'agent' | 'contact' | 'contactEvent';

/** One contact as an agent event shows it. */
export interface ContactFact {
  contactId: string;
  state: string;
  channel: string | null;
  initiationMethod: string | null;
  initialContactId: string | null;
  queueName: string | null;
  /** Connect set ConnectedToAgentTimestamp: the contact reached the agent */
  connectedToAgent: boolean;
}

export interface StatusFact {
  name: string;
  /**
   * AgentStatus.Type as Connect sent it (ROUTABLE, CUSTOM or OFFLINE); null
   * when the payload omits it: the agent projector types it then (statusTypeOf)
   */
  type: string | null;
}

/** A Connect resource (routing profile, queue) by the id at the end of its ARN, and its name. */
export interface ResourceRef {
  id: string | null;
  name: string | null;
}

/** The agent's routing profile as an agent event shows it, with the queues it takes contacts from (inbound and default outbound). */
export interface RoutingProfileFact extends ResourceRef {
  queues: ResourceRef[];
}

/** What the agent projector needs from an agent event. */
export interface AgentFacts {
  kind: 'agent';
  eventId: string;
  eventType: 'LOGIN' | 'LOGOUT' | 'STATE_CHANGE' | 'HEART_BEAT';
  at: number;
  agentArn: string;
  instanceArn: string;
  username: string | null;
  /** null when the event carries no current snapshot */
  status: StatusFact | null;
  contacts: ContactFact[];
  /** absent when the event carries no routing profile (LOGOUT) */
  routingProfile?: RoutingProfileFact;
}

/** An accepted input, ready to be appended to the event table. */
export interface NewEvent {
  kind: EventKind;
  /** agent ARN, contact/<InstanceARN>/<ContactId>, or contact-event/<InstanceARN>/<ContactId> */
  streamId: string;
  /** unique within the stream: EventId, <ContactId>@<LastUpdateTimestamp ms>, or the EventBridge event id */
  dedupeKey: string;
  instanceArn: string;
  /** EventTimestamp, LastUpdateTimestamp, or a contact event's own time, ms since the epoch */
  occurredAt: number;
  /** total order of the events within a stream */
  sortKey: string;
  source: SourceRef;
  /**
   * the payload, verbatim where the input allowed (as its UTF-8 bytes when the
   * reader has them already, or in a store's own encoding when the parsing
   * thread encoded it for that store)
   */
  raw: string | Uint8Array | EncodedPayload;
  /**
   * What the projectors read from the event, as JSON with the parser version
   * `v` (storedFacts: an agent event's AgentFacts without what the event's own
   * fields hold; storedContactFacts: a contact record's ContactFacts; readFacts
   * reads either back), so replays need not parse the raw payload again.
   * Derived data: the raw payload stays the source of truth.
   */
  facts?: string;
}

/** An event as appended: the payload as it was given. */
export interface AppendedEvent extends NewEvent {
  receivedAt: number;
}

/** An event as read back from the event table. */
export interface StoredEvent extends AppendedEvent {
  raw: string;
}

/**
 * A payload already in the form a store keeps it in (the embedded store's
 * packed payloads), which can still give back its text.
 */
export interface EncodedPayload {
  text(): string;
}

/** The payload as text. */
export function rawText(raw: NewEvent['raw']): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return raw.text();
}

export interface Rejection {
  source: SourceRef;
  reason: string;
  /** the raw bytes as text (invalid UTF-8 replaced) */
  raw: string;
}
