import type { BucketMinutes, Rules } from '../rules.js';
import { BucketCalendar } from './buckets.js';
import { isAbandoned, predecessors, queueWaitSeconds, type QueueContact } from './queue-contact.js';
import { queueSettings } from './queue-settings.js';

/**
 * Connect's queue metrics per queue, channel and bucket (design.md "Queue
 * projections"). Like Connect's contact-record metrics, a contact counts in
 * the bucket where it disconnected; contacts still going on are not counted.
 * Rates are fractions (Connect shows percent: × 100).
 */
export interface QueueIntervalRow {
  instanceArn: string;
  queueArn: string | null;
  queueName: string | null;
  channel: string | null;
  bucketStart: number;
  bucketEnd: number;
  /** CONTACTS_QUEUED: placed in the queue */
  contactsQueued: number;
  /** CONTACTS_HANDLED: connected to an agent */
  contactsHandled: number;
  /** CONTACTS_ABANDONED: queued, never connected to an agent, not handed on (no NextContactId) */
  contactsAbandoned: number;
  /** ABANDONMENT_RATE: abandoned / queued */
  abandonmentRate: number | null;
  /** SERVICE_LEVEL per threshold: left the queue within X s (answered, abandoned or handed on) / queued */
  serviceLevel: Record<string, number | null>;
  /** AVG_QUEUE_ANSWER_TIME: queue time of the answered contacts only */
  avgQueueAnswerSeconds: number | null;
  /** AVG_HANDLE_TIME: interaction + hold + after-contact work + pause, per handled contact with a contact record */
  avgHandleSeconds: number | null;
  /** AVG_HOLD_TIME: customer hold time of the handled contacts put on hold */
  avgHoldSeconds: number | null;
  /** AVG_AFTER_CONTACT_WORK_TIME */
  avgAfterContactWorkSeconds: number | null;
}

export interface QueueIntervalOptions {
  bucketMinutes?: BucketMinutes;
  /** ms: contacts that disconnected in [from, to) */
  from?: number;
  to?: number;
  /** queue names for ARNs the contacts do not name (contact events carry none) */
  names?: ReadonlyMap<string, string>;
}

class Mean {
  sum = 0;
  n = 0;
  add(v: number): void {
    this.sum += v;
    this.n++;
  }
  get value(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }
}

interface Acc {
  row: QueueIntervalRow;
  thresholds: readonly number[];
  within: number[];
  answer: Mean;
  handle: Mean;
  hold: Mean;
  acw: Mean;
}

const parts = (c: QueueContact) => [c.interactionSeconds, c.holdSeconds, c.afterContactWorkSeconds, c.pauseSeconds];

/** The queue interval rows of the contacts that disconnected in the window, in bucket, queue and channel order. */
export function queueIntervals(contacts: Iterable<QueueContact>, rules: Pick<Rules, 'timezone' | 'bucketMinutes' | 'queues'>, options: QueueIntervalOptions = {}): QueueIntervalRow[] {
  const all = [...contacts];
  const handedOn = predecessors(all);
  const calendar = new BucketCalendar(rules.timezone, options.bucketMinutes ?? rules.bucketMinutes);
  const rows = new Map<string, Acc>();
  for (const c of all) {
    if ((c.queueArn === null && c.queueName === null) || c.disconnectedAt === null) continue;
    if ((options.from !== undefined && c.disconnectedAt < options.from) || (options.to !== undefined && c.disconnectedAt >= options.to)) continue;
    const bucket = calendar.bucketOf(c.disconnectedAt);
    const key = `${bucket.start}|${c.queueArn ?? `${c.instanceArn}|${c.queueName}`}|${c.channel}`;
    let acc = rows.get(key);
    if (!acc) {
      const queueName = c.queueName ?? (c.queueArn ? options.names?.get(c.queueArn) : undefined) ?? null;
      const thresholds = queueSettings(rules, { queueArn: c.queueArn, queueName }).serviceLevelSeconds;
      acc = {
        row: {
          instanceArn: c.instanceArn,
          queueArn: c.queueArn,
          queueName,
          channel: c.channel,
          bucketStart: bucket.start,
          bucketEnd: bucket.end,
          contactsQueued: 0,
          contactsHandled: 0,
          contactsAbandoned: 0,
          abandonmentRate: null,
          serviceLevel: {},
          avgQueueAnswerSeconds: null,
          avgHandleSeconds: null,
          avgHoldSeconds: null,
          avgAfterContactWorkSeconds: null,
        },
        thresholds,
        within: thresholds.map(() => 0),
        answer: new Mean(),
        handle: new Mean(),
        hold: new Mean(),
        acw: new Mean(),
      };
      rows.set(key, acc);
    } else if (acc.row.queueName === null && c.queueName !== null) {
      acc.row.queueName = c.queueName;
    }
    const wait = queueWaitSeconds(c);
    const handled = c.connectedToAgentAt !== null;
    if (c.enqueuedAt !== null) {
      acc.row.contactsQueued++;
      if (wait !== null) acc.thresholds.forEach((x, i) => wait <= x && acc!.within[i]!++);
      if (handled && wait !== null) acc.answer.add(wait);
    }
    if (isAbandoned(c, handedOn)) acc.row.contactsAbandoned++;
    if (!handled) continue;
    acc.row.contactsHandled++;
    if (parts(c).some((p) => p !== null)) acc.handle.add(parts(c).reduce<number>((s, p) => s + (p ?? 0), 0));
    if (c.holdSeconds !== null && (c.holdSeconds > 0 || (c.holds ?? 0) > 0)) acc.hold.add(c.holdSeconds);
    if (c.afterContactWorkSeconds !== null) acc.acw.add(c.afterContactWorkSeconds);
  }
  const out = [...rows.values()].map(({ row, thresholds, within, answer, handle, hold, acw }) => {
    row.abandonmentRate = row.contactsQueued === 0 ? null : row.contactsAbandoned / row.contactsQueued;
    thresholds.forEach((x, i) => (row.serviceLevel[String(x)] = row.contactsQueued === 0 ? null : within[i]! / row.contactsQueued));
    row.avgQueueAnswerSeconds = answer.value;
    row.avgHandleSeconds = handle.value;
    row.avgHoldSeconds = hold.value;
    row.avgAfterContactWorkSeconds = acw.value;
    return row;
  });
  return out.sort(
    (a, b) =>
      a.bucketStart - b.bucketStart ||
      (a.queueName ?? a.queueArn ?? '').localeCompare(b.queueName ?? b.queueArn ?? '') ||
      (a.queueArn ?? '').localeCompare(b.queueArn ?? '') ||
      (a.channel ?? '').localeCompare(b.channel ?? ''),
  );
}
