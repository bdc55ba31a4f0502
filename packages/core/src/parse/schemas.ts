import { z } from 'zod';
import { isPlausibleInstant, parseInstant } from '../time.js';

/**
 * Schemas for the parts of Connect payloads that Switchboard reads. Objects are
 * loose: AWS adds fields over time and the raw payload is stored verbatim anyway.
 */
const instant = z.string().refine(
  (s) => {
    const ms = parseInstant(s);
    return ms !== null && isPlausibleInstant(ms);
  },
  { message: 'expected an ISO-8601 timestamp between 2000 and 2100' },
);
const optionalInstant = instant.nullish();
const nonEmpty = z.string().min(1);
const optionalString = z.string().nullish();

export const AGENT_EVENT_TYPES = ['LOGIN', 'LOGOUT', 'STATE_CHANGE', 'HEART_BEAT'] as const;
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

// Contact states are strings: Connect adds states (PAUSED came later); the
// activity rules (projectors/activity.ts) name the documented ones.

const queueRef = z.looseObject({ ARN: optionalString, Name: optionalString }).nullish();

const agentContact = z.looseObject({
  ContactId: nonEmpty,
  InitialContactId: optionalString,
  Channel: optionalString,
  InitiationMethod: optionalString,
  State: nonEmpty,
  // Timestamps Switchboard does not compute with are not checked: interval
  // boundaries come from EventTimestamp (StateStartTimestamp survives holds).
  StateStartTimestamp: optionalString,
  ConnectedToAgentTimestamp: optionalString,
  QueueTimestamp: optionalString,
  Queue: queueRef,
});

const namedRef = z.looseObject({ ARN: optionalString, Name: optionalString }).nullish();
const queueWithChannels = z.looseObject({ ARN: optionalString, Name: optionalString, Channels: z.array(z.string()).nullish() }).nullish();

const agentSnapshot = z.looseObject({
  AgentStatus: z.looseObject({
    Name: nonEmpty,
    Type: optionalString,
    ARN: optionalString,
    StartTimestamp: optionalString,
  }),
  NextAgentStatus: z.looseObject({ ARN: optionalString, Name: optionalString, EnqueuedTimestamp: optionalString }).nullish(),
  Configuration: z
    .looseObject({
      Username: optionalString,
      FirstName: optionalString,
      LastName: optionalString,
      AgentHierarchyGroups: z.record(z.string(), namedRef).nullish(),
      RoutingProfile: z
        .looseObject({
          ARN: optionalString,
          Name: optionalString,
          InboundQueues: z.array(queueWithChannels).nullish(),
          DefaultOutboundQueue: queueWithChannels,
          Concurrency: z
            .array(z.looseObject({ Channel: optionalString, AvailableSlots: z.number().nullish(), MaximumSlots: z.number().nullish() }))
            .nullish(),
        })
        .nullish(),
      Proficiencies: z.array(z.looseObject({ Name: optionalString, Value: z.unknown(), Level: z.unknown() })).nullish(),
    })
    .nullish(),
  Contacts: z.array(agentContact).nullish(),
});

export const agentEventSchema = z.looseObject({
  EventId: nonEmpty,
  EventType: z.enum(AGENT_EVENT_TYPES),
  EventTimestamp: instant,
  AgentARN: nonEmpty,
  InstanceARN: optionalString,
  AWSAccountId: optionalString,
  Version: optionalString,
  CurrentAgentSnapshot: agentSnapshot.nullish(),
  // Only read for the username when the current snapshot lacks one.
  PreviousAgentSnapshot: z
    .looseObject({ Configuration: z.looseObject({ Username: optionalString }).nullish() })
    .nullish(),
});

export type AgentEventPayload = z.output<typeof agentEventSchema>;
export type AgentSnapshotPayload = z.output<typeof agentSnapshot>;
export type AgentContactPayload = z.output<typeof agentContact>;

const seconds = z.number().nullish();
const endpoint = z.looseObject({ Address: optionalString, Type: optionalString }).nullish();
/** Recording and Recordings[] entries (connect-data.md 2.2). */
const recording = z.looseObject({
  DeletionReason: optionalString,
  Location: optionalString,
  Status: optionalString,
  Type: optionalString,
  FragmentStartNumber: optionalString,
  FragmentStopNumber: optionalString,
  MediaStreamType: optionalString,
  ParticipantType: optionalString,
  StartTimestamp: optionalString,
  StopTimestamp: optionalString,
  StorageType: optionalString,
});

/**
 * A contact record (CTR), every field of the data model typed. Fields that
 * Switchboard does not compute with are optional and nullable: only the ones
 * it reads (ids, timestamps it computes with) can make a record invalid.
 */
export const contactRecordSchema = z.looseObject({
  AWSAccountId: optionalString,
  AWSContactTraceRecordFormatVersion: optionalString,
  ContactId: nonEmpty,
  InstanceARN: nonEmpty,
  InitialContactId: optionalString,
  PreviousContactId: optionalString,
  NextContactId: optionalString,
  RelatedContactId: optionalString,
  AgentConnectionAttempts: z.number().nullish(),
  ScheduledTimestamp: optionalString,
  TransferCompletedTimestamp: optionalString,
  TransferredToEndpoint: endpoint,
  MediaStreams: z.array(z.looseObject({ Type: optionalString })).nullish(),
  Recording: recording.nullish(),
  Recordings: z.array(recording).nullish(),
  References: z.array(z.unknown()).nullish(),
  ContactDetails: z.record(z.string(), z.unknown()).nullish(),
  Campaign: z.looseObject({ CampaignId: optionalString }).nullish(),
  AnsweringMachineDetectionStatus: optionalString,
  VoiceIdResult: z.unknown().optional(),
  Tags: z.record(z.string(), z.unknown()).nullish(),
  SegmentAttributes: z.record(z.string(), z.unknown()).nullish(),
  Channel: optionalString,
  InitiationMethod: optionalString,
  InitiationTimestamp: instant,
  ConnectedToSystemTimestamp: optionalInstant,
  DisconnectTimestamp: optionalInstant,
  LastUpdateTimestamp: instant,
  DisconnectReason: optionalString,
  Attributes: z.record(z.string(), z.unknown()).nullish(),
  CustomerEndpoint: endpoint,
  SystemEndpoint: endpoint,
  Agent: z
    .looseObject({
      ARN: optionalString,
      Username: optionalString,
      RoutingProfile: namedRef,
      HierarchyGroups: z.record(z.string(), z.looseObject({ ARN: optionalString, GroupName: optionalString }).nullish()).nullish(),
      AgentPauseDuration: seconds,
      stateTransitions: z
        .array(z.looseObject({ stateStartTimestamp: optionalString, stateEndTimestamp: optionalString, state: optionalString }))
        .nullish(),
      ConnectedToAgentTimestamp: optionalInstant,
      CustomerHoldDuration: seconds,
      NumberOfHolds: seconds,
      LongestHoldDuration: seconds,
      AgentInteractionDuration: seconds,
      AfterContactWorkDuration: seconds,
      AfterContactWorkStartTimestamp: optionalInstant,
      AfterContactWorkEndTimestamp: optionalInstant,
    })
    .nullish(),
  Queue: z
    .looseObject({
      ARN: optionalString,
      Name: optionalString,
      EnqueueTimestamp: optionalInstant,
      DequeueTimestamp: optionalInstant,
      Duration: seconds,
    })
    .nullish(),
});

export type ContactRecordPayload = z.output<typeof contactRecordSchema>;

type Fields<T, K extends keyof NonNullable<T>> = Pick<NonNullable<T>, K> | null | undefined;

/**
 * What the contact and queue projections read from a contact record (all of Attributes:
 * the rules name the attributes that matter). Stored beside the record so
 * that replays need not parse the record again.
 */
export type ContactFacts = Pick<
  ContactRecordPayload,
  | 'ContactId'
  | 'InstanceARN'
  | 'InitialContactId'
  | 'PreviousContactId'
  | 'NextContactId'
  | 'TransferCompletedTimestamp'
  | 'Channel'
  | 'InitiationMethod'
  | 'InitiationTimestamp'
  | 'DisconnectTimestamp'
  | 'LastUpdateTimestamp'
  | 'DisconnectReason'
  | 'Attributes'
> & {
  CustomerEndpoint?: Fields<ContactRecordPayload['CustomerEndpoint'], 'Type' | 'Address'>;
  Agent?: Fields<
    ContactRecordPayload['Agent'],
    | 'ARN'
    | 'Username'
    | 'ConnectedToAgentTimestamp'
    | 'AgentInteractionDuration'
    | 'AgentPauseDuration'
    | 'NumberOfHolds'
    | 'CustomerHoldDuration'
    | 'AfterContactWorkDuration'
    | 'AfterContactWorkStartTimestamp'
    | 'AfterContactWorkEndTimestamp'
  >;
  Queue?: Fields<ContactRecordPayload['Queue'], 'ARN' | 'Name' | 'EnqueueTimestamp' | 'DequeueTimestamp' | 'Duration'>;
};

/** "Records[3].kinesis.data" style path from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(record)';
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = formatPath(issue.path);
  if (issue.code === 'invalid_type') {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return `${where}: required field is missing`;
    return `${where}: expected ${issue.expected}, got ${describeValue(received)}`;
  }
  if (issue.code === 'invalid_value') return `${where}: ${issue.message}`;
  const input = (issue as { input?: unknown }).input;
  return input === undefined ? `${where}: ${issue.message}` : `${where}: ${issue.message}, got ${describeValue(input)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
