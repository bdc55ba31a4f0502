import type { ContactEventFacts } from '../parse/contact-event.js';
import type { ContactFacts } from '../parse/contact-record.js';
import { parseInstant } from '../time.js';
import { abandonedInQueue, afterContactWorkSeconds } from './contacts.js';

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
  /** TransferCompletedTimestamp: transferred out of Connect (contact records only) */
  transferCompletedAt: number | null;
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
  /** the stamps of the observations the fields hold, each once, in stamp order (kept compact: the stores keep one document per contact) */
  seen: Stamp[];
  /**
   * The stamp behind each field, one character per field in QUEUE_FIELDS
   * order: '.' not set, else '0' plus its index in `seen` (a string rather
   * than an object keyed by field name: the document is stored per contact,
   * and this keeps it under a kilobyte).
   */
  from: string;
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
  transferCompletedAt: null,
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

/** The fields in the order `from` spells them. */
const QUEUE_FIELDS = Object.keys(EMPTY) as QueueField[];
const FIELD_INDEX = new Map(QUEUE_FIELDS.map((f, i) => [f, i]));
/** `from`: the character of `seen` index 0 ('0'); '.' (below it) marks a field not set */
const FIRST_INDEX = 48;
const NOT_SET_CODE = 46; // '.'

/** The stamp behind each field (undefined: not set), in QUEUE_FIELDS order; documents stored before version 2 keep `from` as an object keyed by field name. */
function heldStamps(c: QueueContact): Array<Stamp | undefined> {
  const from = c.from as string | Partial<Record<QueueField, number>>;
  const out = new Array<Stamp | undefined>(QUEUE_FIELDS.length).fill(undefined);
  if (typeof from === 'string') {
    for (let i = 0; i < from.length; i++) {
      const code = from.charCodeAt(i);
      if (code >= FIRST_INDEX) out[i] = c.seen[code - FIRST_INDEX];
    }
  } else {
    for (const k in from) out[FIELD_INDEX.get(k as QueueField)!] = c.seen[from[k as QueueField]!];
  }
  return out;
}

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
    // within a contact, the record's time is its dedupe key (ContactId@LastUpdateTimestamp)
    stamp: [1, updatedAt, ''],
    fields: {
      channel: r.Channel ?? null,
      initiationMethod: r.InitiationMethod ?? null,
      initialContactId: r.InitialContactId || null,
      previousContactId: r.PreviousContactId || null,
      nextContactId: r.NextContactId || null,
      transferCompletedAt: instant(r.TransferCompletedTimestamp),
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

/** The stamp behind a field of the contact, if it has been set. */
export function stampOf(c: QueueContact, field: QueueField): Stamp | undefined {
  const from = c.from as string | Partial<Record<QueueField, number>>;
  const i = typeof from === 'string' ? from.charCodeAt(FIELD_INDEX.get(field)!) - FIRST_INDEX : from[field];
  return i === undefined || !(i >= 0) ? undefined : c.seen[i];
}

/**
 * Merges an observation into a contact (undefined: the first one seen). Pure:
 * returns a new contact, or the same one when the observation changes nothing
 * (a repeat, or older than every field it sets).
 */
export function mergeObservation(contact: QueueContact | undefined, o: QueueObservation): QueueContact {
  // the stamp as the contact holds it when it holds an equal one (the same observation again)
  const stamp = contact?.seen.find((s) => compareStamps(s, o.stamp) === 0) ?? o.stamp;
  // one array slot per field rather than a map: this runs for every contact event, at ingest and in a rebuild
  const held = contact ? heldStamps(contact) : new Array<Stamp | undefined>(QUEUE_FIELDS.length).fill(undefined);
  let next: QueueContact | undefined;
  for (const k in o.fields) {
    const i = FIELD_INDEX.get(k as QueueField)!;
    const h = held[i];
    if (h && compareStamps(h, stamp) >= 0) continue;
    next ??= contact ? copyContact(contact) : emptyContact(o);
    (next as unknown as Record<string, unknown>)[k] = o.fields[k as QueueField];
    held[i] = stamp;
  }
  if (!next) return contact ?? emptyContact(o);
  // canonical: the distinct stamps still behind a field, in stamp order, so any order of merging gives equal documents
  const seen: Stamp[] = [];
  for (const s of held) if (s && !seen.includes(s)) seen.push(s);
  seen.sort(compareStamps);
  const codes = held.map((s) => (s ? FIRST_INDEX + seen.indexOf(s) : NOT_SET_CODE));
  next.seen = seen;
  next.from = String.fromCharCode(...codes);
  return next;
}

/** A contact of which nothing is known yet. */
function emptyContact(o: QueueObservation): QueueContact {
  return { ...EMPTY, instanceArn: o.instanceArn, contactId: o.contactId, seen: [], from: '' };
}

/**
 * A copy of a contact as one literal: a spread copy of a 25-field object
 * takes V8's slow path, and this runs for every contact event.
 */
function copyContact(c: QueueContact): QueueContact {
  return {
    instanceArn: c.instanceArn,
    contactId: c.contactId,
    channel: c.channel,
    initiationMethod: c.initiationMethod,
    initialContactId: c.initialContactId,
    previousContactId: c.previousContactId,
    nextContactId: c.nextContactId,
    transferCompletedAt: c.transferCompletedAt,
    queueArn: c.queueArn,
    queueName: c.queueName,
    agentArn: c.agentArn,
    initiatedAt: c.initiatedAt,
    enqueuedAt: c.enqueuedAt,
    dequeuedAt: c.dequeuedAt,
    connectedToAgentAt: c.connectedToAgentAt,
    disconnectedAt: c.disconnectedAt,
    completedAt: c.completedAt,
    queueSeconds: c.queueSeconds,
    interactionSeconds: c.interactionSeconds,
    holdSeconds: c.holdSeconds,
    holds: c.holds,
    afterContactWorkSeconds: c.afterContactWorkSeconds,
    pauseSeconds: c.pauseSeconds,
    seen: c.seen,
    from: c.from,
  };
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
 * Connect's CONTACTS_ABANDONED (abandonedInQueue, the definition the contact
 * rows' outcome uses too), for a contact that is gone. Before the contact
 * record tells NextContactId, a contact that another names as its
 * PreviousContactId was handed on (`successors`).
 */
export function isAbandoned(c: QueueContact, successors?: ReadonlySet<string>): boolean {
  if (c.disconnectedAt === null) return false;
  const handedOn = c.nextContactId !== null || c.transferCompletedAt !== null || (successors?.has(queueContactKey(c)) ?? false);
  return abandonedInQueue({ queued: c.enqueuedAt !== null, connectedToAgent: c.connectedToAgentAt !== null, handedOn });
}

/** Keys of the contacts that some contact names as its PreviousContactId. */
export function predecessors(contacts: Iterable<QueueContact>): Set<string> {
  const out = new Set<string>();
  for (const c of contacts) if (c.previousContactId) out.add(queueContactKey({ instanceArn: c.instanceArn, contactId: c.previousContactId }));
  return out;
}

/** Queue names by ARN, from the contacts that tell both (contact records; contact events carry no name). */
export function queueNames(contacts: Iterable<QueueContactFields>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of contacts) if (c.queueArn && c.queueName) out.set(c.queueArn, c.queueName);
  return out;
}
