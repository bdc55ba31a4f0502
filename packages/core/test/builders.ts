/**
 * Builders of Connect payloads for tests, shaped like the admin guide's
 * examples (test/fixtures). They produce the raw JSON that
 * Connect puts on the stream, so tests go through the real parser.
 */
export const INSTANCE = 'arn:aws:connect:ap-northeast-1:123456789012:instance/11111111-2222-3333-4444-555555555555';

export function agentArn(id: string, instance = INSTANCE): string {
  return `${instance}/agent/${id}`;
}

export interface ContactSpec {
  id: string;
  state: string;
  channel?: string;
  initiationMethod?: string;
  initialContactId?: string | null;
  /** ConnectedToAgentTimestamp set; by default when the state is connected, on hold, paused or ENDED */
  connected?: boolean;
}

export interface AgentEventSpec {
  type: 'LOGIN' | 'LOGOUT' | 'STATE_CHANGE' | 'HEART_BEAT';
  at: string | number;
  agent?: string;
  username?: string;
  status?: string;
  statusType?: string | null;
  contacts?: ContactSpec[];
  eventId?: string;
  instance?: string;
}

const STATUS_TYPES: Record<string, string> = { Available: 'ROUTABLE', Offline: 'OFFLINE' };
let counter = 0;

export function iso(at: string | number): string {
  return typeof at === 'number' ? new Date(at).toISOString() : at;
}

function snapshot(spec: AgentEventSpec, status: string, contacts: ContactSpec[]) {
  const type = spec.statusType === null ? undefined : spec.statusType ?? STATUS_TYPES[status] ?? 'CUSTOM';
  return {
    AgentStatus: {
      ARN: `${spec.instance ?? INSTANCE}/agent-state/${status.toLowerCase()}`,
      Name: status,
      StartTimestamp: iso(spec.at),
      ...(type ? { Type: type } : {}),
    },
    Configuration: {
      AgentHierarchyGroups: null,
      FirstName: 'Test',
      LastName: 'Agent',
      Username: spec.username ?? spec.agent ?? 'agent-1',
      RoutingProfile: {
        ARN: `${spec.instance ?? INSTANCE}/routing-profile/rp`,
        Name: 'Basic Routing Profile',
        Concurrency: [
          { Channel: 'VOICE', AvailableSlots: 1, MaximumSlots: 1 },
          { Channel: 'CHAT', AvailableSlots: 3, MaximumSlots: 3 },
        ],
        DefaultOutboundQueue: { ARN: `${spec.instance ?? INSTANCE}/queue/out`, Name: 'OutboundQueue', Channels: ['VOICE'] },
        InboundQueues: [{ ARN: `${spec.instance ?? INSTANCE}/queue/in`, Name: 'BasicQueue', Channels: ['VOICE', 'CHAT'] }],
      },
    },
    Contacts: contacts.map((c) => ({
      ContactId: c.id,
      InitialContactId: c.initialContactId ?? null,
      Channel: c.channel ?? 'VOICE',
      InitiationMethod: c.initiationMethod ?? 'INBOUND',
      State: c.state,
      StateStartTimestamp: iso(spec.at),
      ConnectedToAgentTimestamp: (c.connected ?? ['CONNECTED', 'CONNECTED_ONHOLD', 'ENDED', 'PAUSED'].includes(c.state)) ? iso(spec.at) : null,
      QueueTimestamp: iso(spec.at),
      Queue: { ARN: `${spec.instance ?? INSTANCE}/queue/in`, Name: 'BasicQueue' },
    })),
  };
}

/** One raw agent event. */
export function agentEvent(spec: AgentEventSpec): Record<string, unknown> {
  const id = spec.agent ?? 'agent-1';
  const status = spec.status ?? (spec.type === 'LOGOUT' ? 'Offline' : 'Available');
  return {
    AWSAccountId: '123456789012',
    AgentARN: agentArn(id, spec.instance),
    CurrentAgentSnapshot: snapshot(spec, status, spec.contacts ?? []),
    EventId: spec.eventId ?? `evt-${++counter}`,
    EventTimestamp: iso(spec.at),
    EventType: spec.type,
    InstanceARN: spec.instance ?? INSTANCE,
    PreviousAgentSnapshot: null,
    Version: '2019-05-25',
  };
}

export interface ContactRecordSpec {
  contactId: string;
  initiation: string;
  disconnect?: string | null;
  lastUpdate?: string;
  attributes?: Record<string, string>;
  customer?: string | null;
  channel?: string;
  initiationMethod?: string;
  disconnectReason?: string | null;
  queue?: { name?: string; enqueue: string; dequeue?: string; duration?: number } | null;
  agent?: { username: string; connected: string; hold?: number; acw?: number } | null;
  initialContactId?: string | null;
  previousContactId?: string | null;
  nextContactId?: string | null;
  transferCompleted?: string | null;
  instance?: string;
}

/** One raw contact record (CTR), shaped like the admin guide's data model. */
export function contactRecord(spec: ContactRecordSpec): Record<string, unknown> {
  const instance = spec.instance ?? INSTANCE;
  return {
    AWSAccountId: '123456789012',
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    Agent: spec.agent
      ? {
          ARN: `${instance}/agent/${spec.agent.username}`,
          Username: spec.agent.username,
          ConnectedToAgentTimestamp: spec.agent.connected,
          CustomerHoldDuration: spec.agent.hold ?? 0,
          NumberOfHolds: spec.agent.hold ? 1 : 0,
          LongestHoldDuration: spec.agent.hold ?? 0,
          AfterContactWorkDuration: spec.agent.acw ?? 0,
          AgentInteractionDuration: 60,
          HierarchyGroups: null,
          RoutingProfile: { ARN: `${instance}/routing-profile/rp`, Name: 'Basic Routing Profile' },
        }
      : null,
    AgentConnectionAttempts: spec.agent ? 1 : 0,
    Attributes: spec.attributes ?? {},
    Channel: spec.channel ?? 'VOICE',
    ConnectedToSystemTimestamp: spec.initiation,
    ContactId: spec.contactId,
    CustomerEndpoint: spec.customer === null ? null : { Address: spec.customer ?? '+81312345678', Type: 'TELEPHONE_NUMBER' },
    DisconnectReason: spec.disconnectReason === undefined ? 'CUSTOMER_DISCONNECT' : spec.disconnectReason,
    DisconnectTimestamp: spec.disconnect === undefined ? spec.initiation : spec.disconnect,
    InitialContactId: spec.initialContactId ?? null,
    InitiationMethod: spec.initiationMethod ?? 'INBOUND',
    InitiationTimestamp: spec.initiation,
    InstanceARN: instance,
    LastUpdateTimestamp: spec.lastUpdate ?? spec.disconnect ?? spec.initiation,
    MediaStreams: [{ Type: 'AUDIO' }],
    NextContactId: spec.nextContactId ?? null,
    PreviousContactId: spec.previousContactId ?? null,
    Queue: spec.queue
      ? {
          ARN: `${instance}/queue/q`,
          Name: spec.queue.name ?? 'BasicQueue',
          EnqueueTimestamp: spec.queue.enqueue,
          DequeueTimestamp: spec.queue.dequeue ?? null,
          Duration: spec.queue.duration ?? 0,
        }
      : null,
    Recording: null,
    Recordings: null,
    References: [],
    SystemEndpoint: { Address: '+81501234567', Type: 'TELEPHONE_NUMBER' },
    TransferCompletedTimestamp: spec.transferCompleted ?? null,
    TransferredToEndpoint: null,
    VoiceIdResult: null,
  };
}

export interface ContactEventSpec {
  type: string;
  contactId: string;
  /** the envelope's time (whole seconds, as EventBridge writes it) */
  time?: string;
  /** the EventBridge event id; null leaves it out */
  id?: string | null;
  channel?: string;
  initiationMethod?: string;
  initiation?: string;
  connectedToSystem?: string;
  queue?: { arn?: string; enqueue?: string } | null;
  agent?: { arn?: string; connected?: string; acwEnd?: string } | null;
  disconnect?: string;
  initialContactId?: string;
  previousContactId?: string;
  instance?: string;
}

/** One contact event as EventBridge delivers it, in the camelCase of the admin guide's current samples. */
export function contactEvent(spec: ContactEventSpec): Record<string, any> {
  const instance = spec.instance ?? INSTANCE;
  const detail: Record<string, unknown> = {
    eventType: spec.type,
    contactId: spec.contactId,
    channel: spec.channel ?? 'VOICE',
    instanceArn: instance,
    initiationMethod: spec.initiationMethod ?? 'INBOUND',
  };
  if (spec.initialContactId) detail.initialContactId = spec.initialContactId;
  if (spec.previousContactId) detail.previousContactId = spec.previousContactId;
  if (spec.initiation) detail.initiationTimestamp = spec.initiation;
  if (spec.connectedToSystem) detail.connectedToSystemTimestamp = spec.connectedToSystem;
  if (spec.disconnect) detail.disconnectTimestamp = spec.disconnect;
  if (spec.queue) {
    detail.queueInfo = { queueArn: spec.queue.arn ?? `${instance}/queue/q`, queueType: 'STANDARD', ...(spec.queue.enqueue ? { enqueueTimestamp: spec.queue.enqueue } : {}) };
  }
  if (spec.agent) {
    detail.agentInfo = {
      agentArn: spec.agent.arn ?? agentArn('agent-1', instance),
      ...(spec.agent.connected ? { connectedToAgentTimestamp: spec.agent.connected } : {}),
      ...(spec.agent.acwEnd ? { afterContactWorkEndTimestamp: spec.agent.acwEnd } : {}),
    };
  }
  detail.tags = { 'aws:connect:instanceId': instance.slice(instance.lastIndexOf('/') + 1) };
  const time = spec.time ?? `${(spec.disconnect ?? spec.agent?.connected ?? spec.queue?.enqueue ?? spec.initiation ?? '2024-04-18T00:00:00.000Z').slice(0, 19)}Z`;
  return {
    version: '0',
    ...(spec.id === null ? {} : { id: spec.id ?? `ev-${++counter}` }),
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: '123456789012',
    time,
    region: 'ap-northeast-1',
    resources: [instance, `${instance}/contact/${spec.contactId}`],
    detail,
  };
}
