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
 * The fields of a contact event's detail under any spelling. Connect's samples
 * spell the same field several ways (`eventType` and `EventType`,
 * `instanceArn`, `InstanceArn` and `instanceARN`): the documented camelCase
 * name is looked up first, then the object's keys without regard to case (the
 * first key in the object's order wins). Fields are often absent (a QUEUED
 * event has no agentInfo): the keys are lowercased once per object, on its
 * first miss, not once per absent field.
 */
class AnySpelling {
  private lower: Map<string, unknown> | null = null;

  constructor(private readonly o: Fields) {}

  get(name: string): unknown {
    const v = this.o[name];
    if (v !== undefined) return v;
    if (this.lower === null) {
      this.lower = new Map();
      for (const key in this.o) {
        const l = key.toLowerCase();
        if (!this.lower.has(l)) this.lower.set(l, this.o[key]);
      }
    }
    return this.lower.get(lowerCase(name));
  }
}

const LOWER = new Map<string, string>();
/** The field names are a handful of constants: each is lowercased once. */
function lowerCase(name: string): string {
  let l = LOWER.get(name);
  if (l === undefined) LOWER.set(name, (l = name.toLowerCase()));
  return l;
}

/**
 * True for an EventBridge event from Connect (detail-type and source), and
 * for its `detail` alone (what an input transformer or an archive may keep):
 * an object with an event type and a contact id that is not an agent event.
 */
export function isContactEventPayload(value: unknown): boolean {
  if (!isFields(value)) return false;
  if (value['detail-type'] !== undefined || (value.source === CONTACT_EVENT_SOURCE && isFields(value.detail))) return true;
  if ('AgentARN' in value) return false;
  const any = new AnySpelling(value);
  return any.get('contactId') !== undefined && any.get('eventType') !== undefined;
}

const CONTACT_EVENT_STREAM = 'contact-event/';

export function contactEventStreamId(instanceArn: string, contactId: string): string {
  return `${CONTACT_EVENT_STREAM}${instanceArn}/${contactId}`;
}

/** The contact id of a contact-event stream of the instance (the inverse of contactEventStreamId). */
export function contactIdOfEventStream(streamId: string, instanceArn: string): string {
  return streamId.slice(CONTACT_EVENT_STREAM.length + instanceArn.length + 1);
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
  const detail = inside('detail', () => readDetail((enveloped ? value.detail : value) as Fields));
  const times = detail.times;
  const instanceArn = detail.instanceArn || instanceOfResources(resources);
  if (!instanceArn) throw new Invalid('detail.instanceArn', 'required field is missing');
  const at = usable(milestone(detail.eventType, times)) ?? usable(time);
  if (at === null) throw new Invalid('', `no plausible time for ${detail.eventType} (detail timestamps and time)`);
  // one literal in one order (no spread or rest): a million of these share one shape
  const facts: ContactEventFacts = {
    eventType: detail.eventType,
    contactId: detail.contactId,
    instanceArn,
    at,
    initialContactId: detail.initialContactId,
    previousContactId: detail.previousContactId,
    channel: detail.channel,
    initiationMethod: detail.initiationMethod,
    queueArn: detail.queueArn,
    queueType: detail.queueType,
    agentArn: detail.agentArn,
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

function readDetail(fields: Fields): Detail {
  const d = new AnySpelling(fields);
  const queueFields = optionalFields(d.get('queueInfo'), 'queueInfo');
  const agentFields = optionalFields(d.get('agentInfo'), 'agentInfo');
  const queue = queueFields && new AnySpelling(queueFields);
  const agent = agentFields && new AnySpelling(agentFields);
  const channel = optionalText(d.get('channel'), 'channel');
  return {
    eventType: text(d.get('eventType'), 'eventType'),
    contactId: text(d.get('contactId'), 'contactId'),
    instanceArn: optionalText(d.get('instanceArn'), 'instanceArn'),
    initialContactId: optionalText(d.get('initialContactId'), 'initialContactId') || null,
    previousContactId: optionalText(d.get('previousContactId'), 'previousContactId') || null,
    channel: channel ? channel.toUpperCase() : null,
    initiationMethod: optionalText(d.get('initiationMethod'), 'initiationMethod') || null,
    queueArn: (queue && inside('queueInfo', () => optionalText(queue.get('queueArn'), 'queueArn') || optionalText(queue.get('arn'), 'arn'))) || null,
    queueType: (queue && inside('queueInfo', () => optionalText(queue.get('queueType'), 'queueType'))) || null,
    agentArn: (agent && inside('agentInfo', () => optionalText(agent.get('agentArn'), 'agentArn'))) || null,
    times: {
      initiation: timeOf(d.get('initiationTimestamp'), 'initiationTimestamp'),
      connectedToSystem: timeOf(d.get('connectedToSystemTimestamp'), 'connectedToSystemTimestamp'),
      disconnect: timeOf(d.get('disconnectTimestamp'), 'disconnectTimestamp'),
      enqueue: queue ? inside('queueInfo', () => timeOf(queue.get('enqueueTimestamp'), 'enqueueTimestamp')) : undefined,
      connectedToAgent: agent ? inside('agentInfo', () => timeOf(agent.get('connectedToAgentTimestamp'), 'connectedToAgentTimestamp')) : undefined,
      afterContactWorkEnd: agent ? inside('agentInfo', () => timeOf(agent.get('afterContactWorkEndTimestamp'), 'afterContactWorkEndTimestamp')) : undefined,
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
