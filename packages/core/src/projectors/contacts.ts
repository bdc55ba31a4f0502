import type { ContactFacts } from '../parse/contact-record.js';
import { nationalNumber } from '../phone.js';
import type { Rules } from '../rules.js';
import { protectAgentName, protectNumber } from '../privacy.js';
import { formatLocal, formatUtc, localDate, parseInstant } from '../time.js';

export const OUTCOMES = ['handled', 'transferred', 'abandoned_in_queue', 'completed_in_flow', 'abandoned_in_flow', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface ContactRow {
  contactId: string;
  initialContactId: string;
  channel: string | null;
  initiationMethod: string | null;
  startedAt: string;
  startedAtLocal: string;
  endedAt: string | null;
  durationSeconds: number | null;
  customerNumber: string | null;
  customerNumberNational: string | null;
  exitPoint: string | null;
  completed: boolean | null;
  outcome: Outcome;
  disconnectReason: string | null;
  queueName: string | null;
  queueSeconds: number | null;
  agentUsername: string | null;
  /** the contact record's CustomerHoldDuration (the report's holdSeconds is hold time from agent events, where it happens) */
  holdSeconds: number | null;
  /** the contact record's AfterContactWorkDuration */
  afterContactWorkSeconds: number | null;
  lastUpdatedAt: string;
}

/** A contact row with the keys the store needs to index and aggregate it. */
export interface ContactProjection {
  instanceArn: string;
  contactId: string;
  /** LastUpdateTimestamp, ms: the copy with the greatest value wins */
  updatedAt: number;
  startedAt: number;
  /** yyyy-MM-dd of startedAt in the rules' zone */
  localDate: string;
  /** no PreviousContactId: the contact starts a chain and counts in the funnel */
  chainStart: boolean;
  row: ContactRow;
}

export function projectContact(record: ContactFacts, rules: Rules): ContactProjection {
  const started = parseInstant(record.InitiationTimestamp)!;
  const updatedAt = parseInstant(record.LastUpdateTimestamp)!;
  const ended = instantOrNull(record.DisconnectTimestamp);
  const attributes = record.Attributes ?? {};
  const exit = attributes[rules.flow.exitAttribute];
  const completedRaw = attributes[rules.flow.completedAttribute];
  const completed = completedRaw === undefined || completedRaw === null ? null : completedRaw === 'true';
  const customerNumber = phoneAddress(record.CustomerEndpoint);

  const row: ContactRow = {
    contactId: record.ContactId,
    initialContactId: record.InitialContactId || record.ContactId,
    channel: record.Channel ?? null,
    initiationMethod: record.InitiationMethod ?? null,
    startedAt: formatUtc(started),
    startedAtLocal: formatLocal(started, rules.timezone),
    endedAt: ended === null ? null : formatUtc(ended),
    durationSeconds: ended === null ? null : (ended - started) / 1000,
    customerNumber: protectNumber(customerNumber, rules.privacy),
    customerNumberNational: protectNumber(customerNumber === null ? null : nationalNumber(customerNumber, rules.phoneRegion), rules.privacy),
    exitPoint: exit === undefined || exit === null ? null : String(exit),
    completed,
    outcome: outcomeOf(record, completed),
    disconnectReason: record.DisconnectReason ?? null,
    queueName: record.Queue?.Name ?? null,
    queueSeconds: queueSeconds(record.Queue),
    agentUsername: protectAgentName(record.Agent?.Username ?? null, rules.privacy),
    holdSeconds: customerHoldSeconds(record.Agent),
    afterContactWorkSeconds: afterContactWorkSeconds(record.Agent),
    lastUpdatedAt: formatUtc(updatedAt),
  };
  return {
    instanceArn: record.InstanceARN,
    contactId: record.ContactId,
    updatedAt,
    startedAt: started,
    localDate: localDate(started, rules.timezone),
    chainStart: !record.PreviousContactId,
    row,
  };
}

/**
 * The first rule that matches (docs/metrics.md, "outcome"). A queued contact
 * that never reached an agent is abandoned in the queue whatever its
 * DisconnectReason, unless it went on to another contact (a transfer or a
 * queued callback), as Connect's CONTACTS_ABANDONED counts.
 */
export function outcomeOf(record: ContactFacts, completed: boolean | null): Outcome {
  const connectedToAgent = Boolean(record.Agent?.ConnectedToAgentTimestamp);
  const handedOn = Boolean(record.NextContactId || record.TransferCompletedTimestamp);
  if (connectedToAgent) return 'handled';
  if (handedOn) return 'transferred';
  if (abandonedInQueue({ queued: Boolean(record.Queue?.EnqueueTimestamp), connectedToAgent, handedOn })) return 'abandoned_in_queue';
  if (completed === true) return 'completed_in_flow';
  if (completed === false || record.DisconnectReason === 'CUSTOMER_DISCONNECT') return 'abandoned_in_flow';
  return 'other';
}

/** What Connect's CONTACTS_ABANDONED reads of a contact that is over. */
export interface AbandonFacts {
  /** Queue.EnqueueTimestamp set */
  queued: boolean;
  /** Agent.ConnectedToAgentTimestamp set */
  connectedToAgent: boolean;
  /** went on to another contact (NextContactId: a transfer, or a queued callback) or out of Connect (TransferCompletedTimestamp) */
  handedOn: boolean;
}

/**
 * Connect's CONTACTS_ABANDONED: queued, never connected to an agent, and not
 * handed on; the disconnect reason does not matter. The one definition behind
 * the contact rows' `abandoned_in_queue` and the queue projections'
 * contactsAbandoned (docs/metrics.md, "outcome").
 */
export function abandonedInQueue(c: AbandonFacts): boolean {
  return c.queued && !c.connectedToAgent && !c.handedOn;
}

function instantOrNull(value: string | null | undefined): number | null {
  return value ? parseInstant(value) : null;
}

function phoneAddress(endpoint: ContactFacts['CustomerEndpoint']): string | null {
  if (!endpoint?.Address) return null;
  if (endpoint.Type && endpoint.Type !== 'TELEPHONE_NUMBER') return null;
  if (!endpoint.Type && !/^\+\d+$/.test(endpoint.Address)) return null;
  return endpoint.Address;
}

function queueSeconds(queue: ContactFacts['Queue']): number | null {
  if (!queue) return null;
  if (typeof queue.Duration === 'number') return queue.Duration;
  const enq = instantOrNull(queue.EnqueueTimestamp);
  const deq = instantOrNull(queue.DequeueTimestamp);
  return enq !== null && deq !== null ? (deq - enq) / 1000 : null;
}

/** The contact record's CustomerHoldDuration: hold time of the whole contact, known once it is over. */
function customerHoldSeconds(agent: ContactFacts['Agent']): number | null {
  return agent?.CustomerHoldDuration ?? null;
}

export function afterContactWorkSeconds(agent: ContactFacts['Agent']): number | null {
  if (!agent) return null;
  if (typeof agent.AfterContactWorkDuration === 'number') return agent.AfterContactWorkDuration;
  const start = instantOrNull(agent.AfterContactWorkStartTimestamp);
  const end = instantOrNull(agent.AfterContactWorkEndTimestamp);
  return start !== null && end !== null ? (end - start) / 1000 : null;
}

/** Keeps whichever copy carries the newest LastUpdateTimestamp (ties keep the current one). */
export function newerContact(current: ContactProjection | undefined, candidate: ContactProjection): ContactProjection {
  return current && current.updatedAt >= candidate.updatedAt ? current : candidate;
}

export interface FunnelRow {
  date: string;
  exitPoint: string | null;
  outcome: Outcome;
  contacts: number;
}

/** Counts chain-starting contacts per local date, exit point and outcome. */
export function buildFunnel(contacts: Iterable<Pick<ContactProjection, 'localDate' | 'chainStart' | 'row'>>): FunnelRow[] {
  const counts = new FunnelCounts();
  for (const c of contacts) counts.add(c);
  return counts.rows();
}

/** The funnel counted one contact at a time (contacts read from a store need not be held). */
export class FunnelCounts {
  private readonly counts = new Map<string, FunnelRow>();

  add(c: Pick<ContactProjection, 'localDate' | 'chainStart' | 'row'>): void {
    if (!c.chainStart) return;
    const key = JSON.stringify([c.localDate, c.row.exitPoint, c.row.outcome]);
    const row = this.counts.get(key);
    if (row) row.contacts += 1;
    else this.counts.set(key, { date: c.localDate, exitPoint: c.row.exitPoint, outcome: c.row.outcome, contacts: 1 });
  }

  rows(): FunnelRow[] {
    return [...this.counts.values()].sort(compareFunnel);
  }
}

export function compareFunnel(a: FunnelRow, b: FunnelRow): number {
  return (
    a.date.localeCompare(b.date) ||
    (a.exitPoint ?? '').localeCompare(b.exitPoint ?? '') ||
    (a.exitPoint === null ? 0 : 1) - (b.exitPoint === null ? 0 : 1) ||
    OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome)
  );
}
