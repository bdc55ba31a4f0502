import type { ContactEventFacts } from '../parse/contact-event.js';
import type { ContactFacts } from '../parse/contact-record.js';
import { parseInstant } from '../time.js';
import { afterContactWorkSeconds } from './contacts.js';

/**
 * What the queue projections know of one contact, merged from its contact
 * events and its contact records (design.md "Queue projections").
 *
 * Delivery order and duplicates must not matter, so a contact is a set of
 * last-writer-wins fields: each field keeps the value of the observation with
 * the greatest stamp (source, time, key). Contact records outrank contact
 * events (they are the complete, corrected account, written after the
 * contact), then the later observation wins, then the greater dedupe key.
 * Taking a maximum per field is commutative, associative and idempotent, so
 * any order of the same observations, with any repeats, merges to the same
 * contact. Contact events set only the fields they carry; a contact record
 * sets every field it has, null included (its "no agent" is definitive).
 */
export interface QueueContactFields {
  channel: string | null;
  initiationMethod: string | null;
  initialContactId: string | null;
  previousContactId: string | null;
  /** the contact this one was transferred to or that calls back (contact records only) */
  nextContactId: string | null;
  queueArn: string | null;
  queueName: string | null;
  agentArn: string | null;
  initiatedAt: number | null;
  enqueuedAt: number | null;
  /** Queue.DequeueTimestamp (contact records only) */
  dequeuedAt: number | null;
  connectedToAgentAt: number | null;
  disconnectedAt: number | null;
  /** the contact is over for the agent too (after-contact work done): COMPLETED, or a contact record */
  completedAt: number | null;
  /** Queue.Duration */
  queueSeconds: number | null;
  interactionSeconds: number | null;
  holdSeconds: number | null;
  holds: number | null;
  afterContactWorkSeconds: number | null;
  pauseSeconds: number | null;
}

export type QueueField = keyof QueueContactFields;

/** Which observation a value came from: [rank (1 = contact record), time, key]. */
export type Stamp = readonly [rank: 0 | 1, at: number, key: string];

export interface QueueContact extends QueueContactFields {
  instanceArn: string;
  contactId: string;
  /** the stamp behind each field that has been set */
  stamps: Partial<Record<QueueField, Stamp>>;
}

/** One observation of a contact: the fields it sets, under its stamp. */
export interface QueueObservation {
  instanceArn: string;
  contactId: string;
  stamp: Stamp;
  fields: Partial<QueueContactFields>;
}

const EMPTY: QueueContactFields = {
  channel: null,
  initiationMethod: null,
  initialContactId: null,
  previousContactId: null,
  nextContactId: null,
  queueArn: null,
  queueName: null,
  agentArn: null,
  initiatedAt: null,
  enqueuedAt: null,
  dequeuedAt: null,
  connectedToAgentAt: null,
  disconnectedAt: null,
  completedAt: null,
  queueSeconds: null,
  interactionSeconds: null,
  holdSeconds: null,
  holds: null,
  afterContactWorkSeconds: null,
  pauseSeconds: null,
};

export function compareStamps(a: Stamp, b: Stamp): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** The key of a contact across instances. */
export function queueContactKey(c: { instanceArn: string; contactId: string }): string {
  return `${c.instanceArn}/${c.contactId}`;
}

/** A contact event as an observation: only the fields it carries (its non-null ones). */
export function observeContactEvent(e: ContactEventFacts, dedupeKey: string): QueueObservation {
  const fields: Partial<QueueContactFields> = {};
  const set = <K extends QueueField>(k: K, v: QueueContactFields[K]) => {
    if (v !== null) fields[k] = v;
  };
  set('channel', e.channel);
  set('initiationMethod', e.initiationMethod);
  set('initialContactId', e.initialContactId);
  set('previousContactId', e.previousContactId);
  set('queueArn', e.queueArn);
  set('agentArn', e.agentArn);
  set('initiatedAt', e.initiatedAt);
  set('enqueuedAt', e.enqueuedAt);
  set('connectedToAgentAt', e.connectedToAgentAt);
  set('disconnectedAt', e.disconnectedAt);
  if (e.eventType === 'COMPLETED') set('completedAt', e.afterContactWorkEndAt ?? e.disconnectedAt ?? e.at);
  return { instanceArn: e.instanceArn, contactId: e.contactId, stamp: [0, e.at, dedupeKey], fields };
}

const instant = (v: string | null | undefined): number | null => (v ? parseInstant(v) : null);
const number = (v: number | null | undefined): number | null => (typeof v === 'number' ? v : null);

/** A contact record as an observation: every field it has an account of, null included. */
export function observeContactRecord(r: ContactFacts): QueueObservation {
  const updatedAt = parseInstant(r.LastUpdateTimestamp)!;
  const disconnectedAt = instant(r.DisconnectTimestamp);
  const agent = r.Agent ?? null;
  const queue = r.Queue ?? null;
  const acwEnd = instant(agent?.AfterContactWorkEndTimestamp);
  return {
    instanceArn: r.InstanceARN,
    contactId: r.ContactId,
    stamp: [1, updatedAt, `${r.ContactId}@${updatedAt}`],
    fields: {
      channel: r.Channel ?? null,
      initiationMethod: r.InitiationMethod ?? null,
      initialContactId: r.InitialContactId || null,
      previousContactId: r.PreviousContactId || null,
      nextContactId: r.NextContactId || null,
      queueArn: queue?.ARN ?? null,
      queueName: queue?.Name ?? null,
      agentArn: agent?.ARN ?? null,
      initiatedAt: instant(r.InitiationTimestamp),
      enqueuedAt: instant(queue?.EnqueueTimestamp),
      dequeuedAt: instant(queue?.DequeueTimestamp),
      connectedToAgentAt: instant(agent?.ConnectedToAgentTimestamp),
      disconnectedAt,
      // Connect writes the record once the agent has cleared the contact
      completedAt: acwEnd ?? disconnectedAt ?? updatedAt,
      queueSeconds: number(queue?.Duration),
      interactionSeconds: number(agent?.AgentInteractionDuration),
      holdSeconds: number(agent?.CustomerHoldDuration),
      holds: number(agent?.NumberOfHolds),
      afterContactWorkSeconds: afterContactWorkSeconds(agent),
      pauseSeconds: number(agent?.AgentPauseDuration),
    },
  };
}

/** Merges an observation into a contact (undefined: the first one seen). Pure: returns a new contact. */
export function mergeObservation(contact: QueueContact | undefined, o: QueueObservation): QueueContact {
  const next: QueueContact = contact
    ? { ...contact, stamps: { ...contact.stamps } }
    : { ...EMPTY, instanceArn: o.instanceArn, contactId: o.contactId, stamps: {} };
  for (const [k, v] of Object.entries(o.fields) as Array<[QueueField, never]>) {
    const held = next.stamps[k];
    if (held && compareStamps(held, o.stamp) >= 0) continue;
    next[k] = v;
    next.stamps[k] = o.stamp;
  }
  return next;
}

/** Folds observations into contacts by key (a fresh map: the input is left alone). */
export function foldQueueContacts(observations: Iterable<QueueObservation>, into: ReadonlyMap<string, QueueContact> = new Map()): Map<string, QueueContact> {
  const out = new Map(into);
  for (const o of observations) {
    const key = queueContactKey(o);
    out.set(key, mergeObservation(out.get(key), o));
  }
  return out;
}

/** When the contact left its queue, if it did: dequeued, answered, or gone. */
export function leftQueueAt(c: QueueContactFields): number | null {
  if (c.enqueuedAt === null) return null;
  return c.dequeuedAt ?? c.connectedToAgentAt ?? c.disconnectedAt;
}

/** Seconds the contact waited in its queue: Queue.Duration, else from the times. */
export function queueWaitSeconds(c: QueueContactFields): number | null {
  if (c.enqueuedAt === null) return null;
  if (c.queueSeconds !== null) return c.queueSeconds;
  const left = leftQueueAt(c);
  return left === null ? null : Math.max(0, left - c.enqueuedAt) / 1000;
}

/**
 * Connect's CONTACTS_ABANDONED: queued, never connected to an agent, gone,
 * and not handed on (no NextContactId: transfers and queued callbacks are not
 * abandons). Before the contact record tells NextContactId, a contact that
 * another names as its PreviousContactId was handed on (`successors`).
 */
export function isAbandoned(c: QueueContact, successors?: ReadonlySet<string>): boolean {
  if (c.enqueuedAt === null || c.connectedToAgentAt !== null || c.disconnectedAt === null) return false;
  return c.nextContactId === null && !successors?.has(queueContactKey(c));
}

/** Keys of the contacts that some contact names as its PreviousContactId. */
export function predecessors(contacts: Iterable<QueueContact>): Set<string> {
  const out = new Set<string>();
  for (const c of contacts) if (c.previousContactId) out.add(queueContactKey({ instanceArn: c.instanceArn, contactId: c.previousContactId }));
  return out;
}
