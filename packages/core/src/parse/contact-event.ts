import { z } from 'zod';
import type { NewEvent, SourceRef } from '../model.js';
import { isPlausibleInstant, parseInstant } from '../time.js';
import { describeIssue } from './schemas.js';

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
 * Connect's samples spell the same field several ways (`eventType` and
 * `EventType`, `instanceArn`, `InstanceArn` and `instanceARN`), so fields are
 * matched without regard to case and validated under one spelling.
 */
const DETAIL_FIELDS = [
  'eventType',
  'contactId',
  'initialContactId',
  'previousContactId',
  'channel',
  'instanceArn',
  'initiationMethod',
  'initiationTimestamp',
  'connectedToSystemTimestamp',
  'disconnectTimestamp',
  'queueInfo',
  'agentInfo',
] as const;
const QUEUE_FIELDS = ['queueArn', 'queueType', 'enqueueTimestamp', 'arn'] as const;
const AGENT_FIELDS = ['agentArn', 'connectedToAgentTimestamp', 'afterContactWorkEndTimestamp'] as const;

const text = z.string().nullish();
const time = z.string().nullish();
const nonEmpty = z.string().min(1);

const detailSchema = z.object({
  eventType: nonEmpty,
  contactId: nonEmpty,
  initialContactId: text,
  previousContactId: text,
  channel: text,
  instanceArn: text,
  initiationMethod: text,
  initiationTimestamp: time,
  connectedToSystemTimestamp: time,
  disconnectTimestamp: time,
  queueInfo: z.object({ queueArn: text, arn: text, queueType: text, enqueueTimestamp: time }).nullish(),
  agentInfo: z.object({ agentArn: text, connectedToAgentTimestamp: time, afterContactWorkEndTimestamp: time }).nullish(),
});
type Detail = z.output<typeof detailSchema>;

const envelopeSchema = z.object({
  id: text,
  time: time,
  resources: z.array(z.unknown()).nullish(),
});

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value read under the canonical names, whatever their case in the payload. */
function canonical(value: unknown, names: readonly string[], nested: Record<string, readonly string[]> = {}): unknown {
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const name = names.find((n) => n.toLowerCase() === lower);
    if (name === undefined || name in out) continue;
    out[name] = nested[name] ? canonical(v, nested[name]!) : v;
  }
  return out;
}

function field(value: Obj, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key of Object.keys(value)) if (key.toLowerCase() === lower) return value[key];
  return undefined;
}

/**
 * True for an EventBridge event from Connect (detail-type and source), and
 * for its `detail` alone (what an input transformer or an archive may keep):
 * an object with an event type and a contact id that is not an agent event.
 */
export function isContactEventPayload(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (value['detail-type'] !== undefined || (value.source === CONTACT_EVENT_SOURCE && isObject(value.detail))) return true;
  return field(value, 'contactId') !== undefined && field(value, 'eventType') !== undefined && !('AgentARN' in value);
}

export function contactEventStreamId(instanceArn: string, contactId: string): string {
  return `contact-event/${instanceArn}/${contactId}`;
}

/** The milestone time each event type stands for. */
function milestone(type: string, d: Detail): string | null | undefined {
  switch (type) {
    case 'INITIATED':
      return d.initiationTimestamp;
    case 'CONNECTED_TO_SYSTEM':
      return d.connectedToSystemTimestamp;
    case 'QUEUED':
      return d.queueInfo?.enqueueTimestamp;
    case 'CONNECTED_TO_AGENT':
      return d.agentInfo?.connectedToAgentTimestamp;
    case 'DISCONNECTED':
      return d.disconnectTimestamp;
    case 'COMPLETED':
      return d.agentInfo?.afterContactWorkEndTimestamp ?? d.disconnectTimestamp;
    default:
      return undefined;
  }
}

type Parsed = { ok: true; event: NewEvent; contactEvent: ContactEventFacts } | { ok: false; reason: string };

class Malformed extends Error {}

/** An ISO time as ms; null when absent or implausible (Connect's 1970 placeholders); throws when not a time at all. */
function instant(value: string | null | undefined, where: string): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = parseInstant(value);
  if (ms === null) throw new Malformed(`${where}: expected an ISO-8601 timestamp, got ${JSON.stringify(value.slice(0, 40))}`);
  return isPlausibleInstant(ms) ? ms : null;
}

const instanceOfArn = (arn: string): string | null => /^(arn:[^:]+:connect:[^:]*:[^:]*:instance\/[^/]+)/.exec(arn)?.[1] ?? null;

/**
 * Validates a contact event (an EventBridge event, or its detail alone); the
 * caller stores the facts beside it (record.ts, with the parser version). The
 * dedupe key is the EventBridge event id, which every redelivery repeats (an
 * EventBridge retry, an SQS or Kinesis redelivery, the same file ingested
 * twice); an input without one is keyed by event type and time. Never throws.
 */
export function parseContactEvent(value: unknown, raw: string, source: SourceRef): Parsed {
  if (!isObject(value)) return { ok: false, reason: 'contact event: expected an object' };
  const enveloped = isObject(value.detail) || value['detail-type'] !== undefined;
  if (enveloped && value['detail-type'] !== CONTACT_EVENT_DETAIL_TYPE) {
    return { ok: false, reason: `not a Connect contact event: detail-type ${JSON.stringify(value['detail-type'] ?? null)}` };
  }
  if (enveloped && !isObject(value.detail)) return { ok: false, reason: 'contact event: detail: expected an object' };
  const envelope = envelopeSchema.safeParse(enveloped ? value : {});
  if (!envelope.success) return { ok: false, reason: `contact event: ${describeIssue(envelope.error)}` };
  const detailValue = canonical(enveloped ? value.detail : value, DETAIL_FIELDS, { queueInfo: QUEUE_FIELDS, agentInfo: AGENT_FIELDS });
  const detail = detailSchema.safeParse(detailValue);
  if (!detail.success) {
    const again = detailSchema.safeParse(detailValue, { reportInput: true });
    return { ok: false, reason: `contact event: detail.${again.success ? 'invalid' : describeIssue(again.error)}` };
  }
  const d = detail.data;
  const resourceInstance = (envelope.data.resources ?? []).map((r) => (typeof r === 'string' ? instanceOfArn(r) : null)).find((r) => r !== null);
  const instanceArn = d.instanceArn || resourceInstance;
  if (!instanceArn) return { ok: false, reason: 'contact event: detail.instanceArn: required field is missing' };
  try {
    const type = d.eventType;
    const eventTime = instant(envelope.data.time, 'time');
    const at = instant(milestone(type, d), `detail (time of ${type})`) ?? eventTime;
    if (at === null) return { ok: false, reason: `contact event: no plausible time for ${type} (detail timestamps and time)` };
    const facts: ContactEventFacts = {
      eventType: type,
      contactId: d.contactId,
      instanceArn,
      at,
      initialContactId: d.initialContactId || null,
      previousContactId: d.previousContactId || null,
      channel: d.channel ? d.channel.toUpperCase() : null,
      initiationMethod: d.initiationMethod || null,
      queueArn: d.queueInfo?.queueArn || d.queueInfo?.arn || null,
      queueType: d.queueInfo?.queueType || null,
      agentArn: d.agentInfo?.agentArn || null,
      initiatedAt: instant(d.initiationTimestamp, 'detail.initiationTimestamp'),
      connectedToSystemAt: instant(d.connectedToSystemTimestamp, 'detail.connectedToSystemTimestamp'),
      enqueuedAt: instant(d.queueInfo?.enqueueTimestamp, 'detail.queueInfo.enqueueTimestamp'),
      connectedToAgentAt: instant(d.agentInfo?.connectedToAgentTimestamp, 'detail.agentInfo.connectedToAgentTimestamp'),
      disconnectedAt: instant(d.disconnectTimestamp, 'detail.disconnectTimestamp'),
      afterContactWorkEndAt: instant(d.agentInfo?.afterContactWorkEndTimestamp, 'detail.agentInfo.afterContactWorkEndTimestamp'),
    };
    const dedupeKey = envelope.data.id || `${type}@${at}`;
    return {
      ok: true,
      contactEvent: facts,
      event: {
        kind: 'contactEvent',
        streamId: contactEventStreamId(instanceArn, d.contactId),
        dedupeKey,
        instanceArn,
        occurredAt: at,
        sortKey: `${String(at).padStart(15, '0')}|${dedupeKey}`,
        source,
        raw,
      },
    };
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, reason: `contact event: ${err.message}` };
    throw err;
  }
}
