import { isPlausibleInstant, parseInstant } from '../time.js';
import { describeValue, inside, Invalid, isFields, optionalFields, optionalList, optionalText, text, type Fields } from './fields.js';

/**
 * Amazon Connect contact events: the EventBridge events (source `aws.connect`,
 * detail-type "Amazon Connect Contact Event") that say where a contact is in its
 * life. docs/connect-feeds.md has the data model and its sources.
 */
export const CONTACT_EVENT_SOURCE = 'aws.connect';
export const CONTACT_EVENT_DETAIL_TYPE = 'Amazon Connect Contact Event';

/** The documented event types; others (Connect adds types) are accepted and kept. */
export const CONTACT_EVENT_TYPES = [
  'INITIATED',
  'CONNECTED_TO_SYSTEM',
  'CONTACT_DATA_UPDATED',
  'QUEUED',
  'CONNECTED_TO_AGENT',
  'DISCONNECTED',
  'COMPLETED',
  'PAUSED',
  'RESUMED',
] as const;

/**
 * What the queue projections read from a contact event. Times are ms since the
 * epoch, null when the event does not carry them (Connect also fills unset
 * times with 1970-01-01T00:00:00.001Z; such implausible times read as null).
 */
export interface ContactEventFacts {
  eventType: string;
  contactId: string;
  instanceArn: string;
  /** the event's own time: its milestone (e.g. enqueueTimestamp of QUEUED), else the envelope's `time` */
  at: number;
  initialContactId: string | null;
  previousContactId: string | null;
  /** VOICE, CHAT, TASK, EMAIL (upper case: some payloads write "Voice") */
  channel: string | null;
  initiationMethod: string | null;
  queueArn: string | null;
  queueType: string | null;
  agentArn: string | null;
  initiatedAt: number | null;
  connectedToSystemAt: number | null;
  enqueuedAt: number | null;
  connectedToAgentAt: number | null;
  disconnectedAt: number | null;
  afterContactWorkEndAt: number | null;
}

/**
 * The field of a contact event's detail under any spelling. Connect's samples
 * spell the same field several ways (`eventType` and `EventType`,
 * `instanceArn`, `InstanceArn` and `instanceARN`): the documented camelCase
 * name is looked up first, then the object's keys without regard to case.
 */
function spelled(o: Fields, name: string): unknown {
  const v = o[name];
  if (v !== undefined) return v;
  const lower = name.toLowerCase();
  for (const key in o) if (key.toLowerCase() === lower) return o[key];
  return undefined;
}

/**
 * True for an EventBridge event from Connect (detail-type and source), and
 * for its `detail` alone (what an input transformer or an archive may keep):
 * an object with an event type and a contact id that is not an agent event.
 */
export function isContactEventPayload(value: unknown): boolean {
  if (!isFields(value)) return false;
  if (value['detail-type'] !== undefined || (value.source === CONTACT_EVENT_SOURCE && isFields(value.detail))) return true;
  return !('AgentARN' in value) && spelled(value, 'contactId') !== undefined && spelled(value, 'eventType') !== undefined;
}

export function contactEventStreamId(instanceArn: string, contactId: string): string {
  return `contact-event/${instanceArn}/${contactId}`;
}

/**
 * A time of a contact event as given: ms since the epoch (Connect's 1970
 * placeholders included), null when empty, undefined when absent. Throws when
 * it is not an ISO-8601 time.
 */
function timeOf(value: unknown, name: string): number | null | undefined {
  const s = optionalText(value, name);
  if (s === undefined || s === null) return undefined;
  if (s === '') return null;
  const ms = parseInstant(s);
  if (ms === null) throw new Invalid(name, `expected an ISO-8601 timestamp, got ${describeValue(s)}`);
  return ms;
}

/** A time the projections can use: null when absent, empty or implausible (Connect's 1970 placeholders). */
const usable = (ms: number | null | undefined): number | null => (ms !== undefined && ms !== null && isPlausibleInstant(ms) ? ms : null);

interface DetailTimes {
  initiation: number | null | undefined;
  connectedToSystem: number | null | undefined;
  enqueue: number | null | undefined;
  connectedToAgent: number | null | undefined;
  disconnect: number | null | undefined;
  afterContactWorkEnd: number | null | undefined;
}

/** The milestone time each event type stands for (undefined: the type has none, or the event does not carry it). */
function milestone(type: string, t: DetailTimes): number | null | undefined {
  switch (type) {
    case 'INITIATED':
      return t.initiation;
    case 'CONNECTED_TO_SYSTEM':
      return t.connectedToSystem;
    case 'QUEUED':
      return t.enqueue;
    case 'CONNECTED_TO_AGENT':
      return t.connectedToAgent;
    case 'DISCONNECTED':
      return t.disconnect;
    case 'COMPLETED':
      return t.afterContactWorkEnd ?? t.disconnect;
    default:
      return undefined;
  }
}

/** True for an EventBridge envelope (whatever its detail-type), false for a detail alone. */
export function isEnveloped(value: Fields): boolean {
  return isFields(value.detail) || value['detail-type'] !== undefined;
}

/**
 * Reads a Connect contact event (an EventBridge event of detail-type
 * CONTACT_EVENT_DETAIL_TYPE, or its detail alone): checks the fields the queue
 * projections read and the envelope's id, time and resources; the rest (tags,
 * routing criteria, fields Connect adds) is kept verbatim and never a reason
 * to reject. The dedupe key is the EventBridge event id, which every
 * redelivery repeats (an EventBridge retry, an SQS or Kinesis redelivery, the
 * same file ingested twice); an input without one is keyed by event type and
 * time. Throws Invalid naming the field.
 */
export function readContactEvent(value: Fields): { facts: ContactEventFacts; dedupeKey: string } {
  const enveloped = isEnveloped(value);
  if (enveloped && !isFields(value.detail)) throw new Invalid('detail', 'expected an object');
  const id = enveloped ? optionalText(value.id, 'id') : undefined;
  const time = enveloped ? timeOf(value.time, 'time') : undefined;
  const resources = enveloped ? optionalList(value.resources, 'resources') : undefined;
  const { times, ...detail } = inside('detail', () => readDetail((enveloped ? value.detail : value) as Fields));
  const instanceArn = detail.instanceArn || instanceOfResources(resources);
  if (!instanceArn) throw new Invalid('detail.instanceArn', 'required field is missing');
  const at = usable(milestone(detail.eventType, times)) ?? usable(time);
  if (at === null) throw new Invalid('', `no plausible time for ${detail.eventType} (detail timestamps and time)`);
  const facts: ContactEventFacts = {
    ...detail,
    instanceArn,
    at,
    initiatedAt: usable(times.initiation),
    connectedToSystemAt: usable(times.connectedToSystem),
    enqueuedAt: usable(times.enqueue),
    connectedToAgentAt: usable(times.connectedToAgent),
    disconnectedAt: usable(times.disconnect),
    afterContactWorkEndAt: usable(times.afterContactWorkEnd),
  };
  return { facts, dedupeKey: id || `${facts.eventType}@${at}` };
}

type Detail = Omit<ContactEventFacts, 'at' | 'instanceArn' | `${string}At`> & { instanceArn: string | null | undefined; times: DetailTimes };

function readDetail(d: Fields): Detail {
  const queue = optionalFields(spelled(d, 'queueInfo'), 'queueInfo');
  const agent = optionalFields(spelled(d, 'agentInfo'), 'agentInfo');
  const channel = optionalText(spelled(d, 'channel'), 'channel');
  return {
    eventType: text(spelled(d, 'eventType'), 'eventType'),
    contactId: text(spelled(d, 'contactId'), 'contactId'),
    instanceArn: optionalText(spelled(d, 'instanceArn'), 'instanceArn'),
    initialContactId: optionalText(spelled(d, 'initialContactId'), 'initialContactId') || null,
    previousContactId: optionalText(spelled(d, 'previousContactId'), 'previousContactId') || null,
    channel: channel ? channel.toUpperCase() : null,
    initiationMethod: optionalText(spelled(d, 'initiationMethod'), 'initiationMethod') || null,
    queueArn: (queue && inside('queueInfo', () => optionalText(spelled(queue, 'queueArn'), 'queueArn') || optionalText(spelled(queue, 'arn'), 'arn'))) || null,
    queueType: (queue && inside('queueInfo', () => optionalText(spelled(queue, 'queueType'), 'queueType'))) || null,
    agentArn: (agent && inside('agentInfo', () => optionalText(spelled(agent, 'agentArn'), 'agentArn'))) || null,
    times: {
      initiation: timeOf(spelled(d, 'initiationTimestamp'), 'initiationTimestamp'),
      connectedToSystem: timeOf(spelled(d, 'connectedToSystemTimestamp'), 'connectedToSystemTimestamp'),
      disconnect: timeOf(spelled(d, 'disconnectTimestamp'), 'disconnectTimestamp'),
      enqueue: queue ? inside('queueInfo', () => timeOf(spelled(queue, 'enqueueTimestamp'), 'enqueueTimestamp')) : undefined,
      connectedToAgent: agent ? inside('agentInfo', () => timeOf(spelled(agent, 'connectedToAgentTimestamp'), 'connectedToAgentTimestamp')) : undefined,
      afterContactWorkEnd: agent ? inside('agentInfo', () => timeOf(spelled(agent, 'afterContactWorkEndTimestamp'), 'afterContactWorkEndTimestamp')) : undefined,
    },
  };
}

const INSTANCE_IN_ARN = /^(arn:[^:]+:connect:[^:]*:[^:]*:instance\/[^/]+)/;

/** The instance of the first Connect ARN among the envelope's resources. */
function instanceOfResources(resources: unknown[] | null | undefined): string | undefined {
  for (const r of resources ?? []) {
    const m = typeof r === 'string' ? INSTANCE_IN_ARN.exec(r) : null;
    if (m) return m[1];
  }
  return undefined;
}
