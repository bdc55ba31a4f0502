/**
 * Contacts as Connect reports them to the queue projections: contact events
 * (EventBridge) and contact records (CTRs) built from one description of
 * what happened, parsed by the real parser into observations.
 */
import {
  observeContactEvent,
  observeContactRecord,
  parseRecord,
  type QueueObservation,
} from '@switchboard/core';
import { contactEvent, INSTANCE } from './builders.js';

export const SALES = `${INSTANCE}/queue/sales`;
export const SUPPORT = `${INSTANCE}/queue/support`;
export const CALLBACKS = `${INSTANCE}/queue/callbacks`;
export const QUEUE_NAMES = new Map([
  [SALES, 'Sales'],
  [SUPPORT, 'Support'],
  [CALLBACKS, 'Callbacks'],
]);

const iso = (ms: number) => new Date(ms).toISOString();
const isoSeconds = (ms: number) => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;

/** What happened to one contact (times in ms). */
export interface ContactStory {
  id: string;
  channel?: 'VOICE' | 'CHAT';
  method?: string;
  previous?: string;
  next?: string;
  initiated: number;
  queue?: string;
  enqueued?: number;
  /** routed to an agent whose phone rang (AgentConnectionAttempts), not necessarily answered */
  offered?: boolean;
  agent?: string;
  connected?: number;
  disconnected?: number;
  /** after-contact work ends */
  completed?: number;
  hold?: number;
  holds?: number;
  interaction?: number;
  pause?: number;
}

function payloadObservation(payload: unknown): QueueObservation {
  const parsed = parseRecord(payload, JSON.stringify(payload), { origin: 'test' });
  if (!parsed.ok) throw new Error(parsed.reason);
  if (parsed.contactEvent) return observeContactEvent(parsed.contactEvent, parsed.event.dedupeKey);
  if (parsed.contact) return observeContactRecord(parsed.contact);
  throw new Error('not a contact event or record');
}

/** The contact events Connect would publish for the story, in the order they happen. */
export function storyEvents(s: ContactStory): Array<Record<string, any>> {
  const base = { contactId: s.id, channel: s.channel ?? 'VOICE', initiationMethod: s.method ?? 'INBOUND', previousContactId: s.previous, initiation: iso(s.initiated) };
  const queue = s.queue ? { arn: s.queue, enqueue: s.enqueued === undefined ? undefined : iso(s.enqueued) } : undefined;
  const agent = s.agent ? { arn: `${INSTANCE}/agent/${s.agent}`, connected: s.connected === undefined ? undefined : iso(s.connected) } : undefined;
  const out = [contactEvent({ ...base, id: `${s.id}-i`, type: 'INITIATED' })];
  if (queue && s.enqueued !== undefined) out.push(contactEvent({ ...base, id: `${s.id}-q`, type: 'QUEUED', queue }));
  if (agent && s.connected !== undefined) out.push(contactEvent({ ...base, id: `${s.id}-a`, type: 'CONNECTED_TO_AGENT', queue, agent }));
  if (s.disconnected !== undefined) out.push(contactEvent({ ...base, id: `${s.id}-d`, type: 'DISCONNECTED', queue, agent, disconnect: iso(s.disconnected) }));
  if (s.completed !== undefined) {
    out.push(contactEvent({ ...base, id: `${s.id}-c`, type: 'COMPLETED', queue, agent: agent && { ...agent, acwEnd: iso(s.completed) }, disconnect: iso(s.disconnected!) }));
  }
  return out;
}

/** The contact record Connect writes once the story is over. */
export function storyRecord(s: ContactStory, lastUpdate = (s.completed ?? s.disconnected!) + 30_000): Record<string, any> {
  const connected = s.connected !== undefined;
  const leftQueue = s.enqueued === undefined ? undefined : connected ? s.connected! : s.disconnected!;
  return {
    AWSAccountId: '123456789012',
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    Agent: connected
      ? {
          ARN: `${INSTANCE}/agent/${s.agent}`,
          Username: s.agent,
          ConnectedToAgentTimestamp: isoSeconds(s.connected!),
          AgentInteractionDuration: s.interaction ?? 60,
          CustomerHoldDuration: s.hold ?? 0,
          NumberOfHolds: s.holds ?? (s.hold ? 1 : 0),
          AfterContactWorkDuration: s.completed !== undefined ? Math.floor(s.completed / 1000) - Math.floor(s.disconnected! / 1000) : 0,
          AfterContactWorkStartTimestamp: isoSeconds(s.disconnected!),
          AfterContactWorkEndTimestamp: isoSeconds(s.completed ?? s.disconnected!),
          AgentPauseDuration: s.pause ?? null,
        }
      : null,
    AgentConnectionAttempts: connected || s.offered ? 1 : 0,
    Channel: s.channel ?? 'VOICE',
    ContactId: s.id,
    DisconnectReason: 'CUSTOMER_DISCONNECT',
    DisconnectTimestamp: isoSeconds(s.disconnected!),
    InitialContactId: null,
    InitiationMethod: s.method ?? 'INBOUND',
    InitiationTimestamp: isoSeconds(s.initiated),
    InstanceARN: INSTANCE,
    LastUpdateTimestamp: isoSeconds(lastUpdate),
    NextContactId: s.next ?? null,
    PreviousContactId: s.previous ?? null,
    Queue: s.queue
      ? {
          ARN: s.queue,
          Name: QUEUE_NAMES.get(s.queue),
          EnqueueTimestamp: s.enqueued === undefined ? null : isoSeconds(s.enqueued),
          DequeueTimestamp: leftQueue === undefined ? null : isoSeconds(leftQueue),
          Duration: leftQueue === undefined ? 0 : Math.floor(leftQueue / 1000) - Math.floor(s.enqueued! / 1000),
        }
      : null,
  };
}

export const eventObservations = (s: ContactStory): QueueObservation[] => storyEvents(s).map(payloadObservation);
export const recordObservation = (s: ContactStory, lastUpdate?: number): QueueObservation => payloadObservation(storyRecord(s, lastUpdate));
