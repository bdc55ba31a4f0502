import type { AgentContactEntry, AgentRuntime, SimContact } from './model.js';
import type { AgentStatusDef, Instance, QueueDef } from './roster.js';
import { isoMs, isoSec, wholeSeconds } from './time.js';

/**
 * Builders for the JSON Connect puts on the stream. Keys are in the order
 * Connect writes them (alphabetical). Payloads share sub-objects that never
 * change once built (configurations, status blocks, contact entries): treat
 * payloads as read-only.
 */

export const AGENT_EVENT_VERSION = '2019-05-25';
export const CTR_FORMAT_VERSION = '2017-03-10';

export type AgentEventType = 'LOGIN' | 'LOGOUT' | 'STATE_CHANGE' | 'HEART_BEAT';

export function statusView(status: AgentStatusDef, since: number): Record<string, unknown> {
  return { ARN: status.arn, Name: status.name, StartTimestamp: isoMs(since), Type: status.type };
}

export function nextStatusView(status: AgentStatusDef, enqueuedAt: number): Record<string, unknown> {
  return { ARN: status.arn, EnqueuedTimestamp: isoMs(enqueuedAt), Name: status.name };
}

const queueRefs = new WeakMap<QueueDef, Record<string, unknown>>();
function queueRef(q: QueueDef): Record<string, unknown> {
  let ref = queueRefs.get(q);
  if (!ref) queueRefs.set(q, (ref = { ARN: q.arn, Name: q.name }));
  return ref;
}

function contactView(e: AgentContactEntry): Record<string, unknown> {
  const c = e.contact;
  return (e.view ??= {
    Channel: c.channel,
    ConnectedToAgentTimestamp: e.connectedIso,
    ContactId: c.id,
    InitialContactId: c.initialContactId,
    InitiationMethod: e.method ?? c.initiationMethod,
    Queue: c.queue ? queueRef(c.queue) : null,
    QueueTimestamp: c.enqueuedAt >= 0 ? isoMs(c.enqueuedAt) : null,
    State: e.state,
    StateStartTimestamp: e.stateStartIso,
  });
}

/** Which Configuration block applies: Concurrency.AvailableSlots follows the contacts. */
function slotKey(a: AgentRuntime): number {
  let chats = 0;
  for (const e of a.contacts) {
    if (e.contact.channel === 'VOICE') return 4;
    if (e.contact.channel === 'TASK') return 5;
    chats++;
  }
  return chats;
}

export function agentSnapshot(a: AgentRuntime): Record<string, unknown> {
  const snapshot: Record<string, unknown> = { AgentStatus: a.statusView };
  if (a.next) snapshot.NextAgentStatus = a.next.view;
  snapshot.Configuration = a.profile.configurations[slotKey(a)];
  snapshot.Contacts = a.contacts.map(contactView);
  return snapshot;
}

export function agentEvent(
  instance: Instance,
  a: AgentRuntime,
  type: AgentEventType,
  eventId: string,
  at: number,
  previous: Record<string, unknown>,
  current: Record<string, unknown>,
): Record<string, unknown> {
  return {
    AWSAccountId: instance.accountId,
    AgentARN: a.profile.arn,
    CurrentAgentSnapshot: current,
    EventId: eventId,
    EventTimestamp: isoMs(at),
    EventType: type,
    InstanceARN: instance.arn,
    PreviousAgentSnapshot: previous,
    Version: AGENT_EVENT_VERSION,
  };
}

const MEDIA = { VOICE: [{ Type: 'AUDIO' }], CHAT: [{ Type: 'CHAT' }], TASK: [] };
const SUBTYPE = {
  VOICE: { 'connect:Subtype': { ValueString: 'connect:Telephony' } },
  CHAT: { 'connect:Subtype': { ValueString: 'connect:Chat' } },
  TASK: { 'connect:Subtype': { ValueString: 'connect:Task' } },
};

function recordingLocation(instance: Instance, c: SimContact): string {
  const d = isoSec(c.initiatedAt); // 2024-04-17T23:47:52Z
  const stamp = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T${d.slice(11, 16)}`;
  return `${instance.recordingPrefix}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${c.id}_${stamp}_UTC.wav`;
}

/** The contact record Connect writes once the contact is over (after the agent cleared it). */
export function contactRecord(instance: Instance, c: SimContact, lastUpdate: number): Record<string, unknown> {
  const voice = c.channel === 'VOICE';
  const agent = c.handledBy;
  let agentBlock: Record<string, unknown> | null = null;
  if (agent && c.connectedAt >= 0) {
    const customerHoldSeconds = Math.round(c.customerHoldMs / 1000);
    const pauseSeconds = Math.round(c.pauseMs / 1000);
    const disconnected = wholeSeconds(c.disconnectedAt);
    agentBlock = {
      ARN: agent.arn,
      AfterContactWorkDuration: wholeSeconds(c.acwEndedAt) - disconnected,
      AfterContactWorkEndTimestamp: isoSec(c.acwEndedAt),
      AfterContactWorkStartTimestamp: isoSec(c.disconnectedAt),
      AgentInteractionDuration: Math.max(0, disconnected - wholeSeconds(c.connectedAt) - customerHoldSeconds - pauseSeconds),
      ...(c.channel === 'TASK' ? { AgentPauseDuration: pauseSeconds } : {}),
      ConnectedToAgentTimestamp: isoSec(c.connectedAt),
      CustomerHoldDuration: customerHoldSeconds,
      HierarchyGroups: null,
      LongestHoldDuration: Math.round(c.longestHoldMs / 1000),
      NumberOfHolds: c.holds,
      RoutingProfile: agent.ctrRoutingProfile,
      Username: agent.username,
    };
  }
  const queue = c.queue
    ? {
        ARN: c.queue.arn,
        DequeueTimestamp: isoSec(c.dequeuedAt),
        Duration: wholeSeconds(c.dequeuedAt) - wholeSeconds(c.enqueuedAt),
        EnqueueTimestamp: isoSec(c.enqueuedAt),
        Name: c.queue.name,
      }
    : null;
  const recorded = voice && agentBlock !== null;
  const location = recorded ? recordingLocation(instance, c) : null;
  const initiated = isoSec(c.initiatedAt);
  return {
    AWSAccountId: instance.accountId,
    AWSContactTraceRecordFormatVersion: CTR_FORMAT_VERSION,
    Agent: agentBlock,
    AgentConnectionAttempts: c.attempts,
    AnsweringMachineDetectionStatus: null,
    Attributes: c.attributes,
    Campaign: { CampaignId: null },
    Channel: c.channel,
    ConnectedToSystemTimestamp: initiated,
    ContactDetails: {},
    ContactId: c.id,
    CustomerEndpoint: c.customerNumber ? { Address: c.customerNumber, Type: 'TELEPHONE_NUMBER' } : null,
    CustomerVoiceActivity: null,
    DisconnectReason: c.disconnectReason,
    DisconnectTimestamp: isoSec(c.disconnectedAt),
    InitialContactId: c.initialContactId,
    InitiationMethod: c.initiationMethod,
    InitiationTimestamp: initiated,
    InstanceARN: instance.arn,
    LastUpdateTimestamp: isoSec(lastUpdate),
    MediaStreams: MEDIA[c.channel],
    NextContactId: c.nextContactId,
    PreviousContactId: c.previousContactId,
    Queue: queue,
    Recording: recorded ? { DeletionReason: null, Location: location, Status: 'AVAILABLE', Type: 'AUDIO' } : null,
    Recordings: recorded
      ? [
          {
            DeletionReason: null,
            FragmentStartNumber: null,
            FragmentStopNumber: null,
            Location: location,
            MediaStreamType: 'AUDIO',
            ParticipantType: null,
            StartTimestamp: null,
            Status: 'AVAILABLE',
            StopTimestamp: null,
            StorageType: 'S3',
          },
        ]
      : null,
    References: [],
    ScheduledTimestamp: null,
    SegmentAttributes: SUBTYPE[c.channel],
    SystemEndpoint: c.systemNumber ? { Address: c.systemNumber, Type: 'TELEPHONE_NUMBER' } : null,
    Tags: voice
      ? { 'aws:connect:instanceId': instance.id, 'aws:connect:systemEndpoint': c.systemNumber }
      : { 'aws:connect:instanceId': instance.id },
    TaskTemplateInfo: null,
    TransferCompletedTimestamp: null,
    TransferredToEndpoint: null,
    VoiceIdResult: null,
  };
}
