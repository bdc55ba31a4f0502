import type { Alert } from '../alert.js';
import type { Rules } from '../rules.js';
import { formatUtc } from '../time.js';
import { BucketCalendar } from './buckets.js';
import { leftQueueAt, queueContactKey, queueNames, type QueueContact } from './queue-contact.js';
import { queueIntervals } from './queue-intervals.js';
import { DEFAULT_STALE_AFTER_MS } from './queue-now.js';
import { queueSettings } from './queue-settings.js';

const queueLabel = (c: { queueName: string | null; queueArn: string | null }) => c.queueName ?? c.queueArn;

/**
 * LongQueueWait: a contact waited in its queue longer than the queue's
 * oldestWaitingAlertSeconds. One occurrence per contact and enqueue time, so
 * the sweep (still waiting, `ended` false) and the contact leaving the queue
 * (`ended` true) raise the same alert, which the ledger publishes once.
 */
export function queueWaitAlert(c: QueueContact, rules: Pick<Rules, 'queues'>, ended: boolean, now?: number, names?: ReadonlyMap<string, string>): Alert[] {
  if (c.enqueuedAt === null) return [];
  const left = leftQueueAt(c);
  if (ended ? left === null : left !== null || now === undefined) return [];
  const queueName = c.queueName ?? (c.queueArn ? names?.get(c.queueArn) : undefined) ?? null;
  const threshold = queueSettings(rules, { queueArn: c.queueArn, queueName }).oldestWaitingAlertSeconds;
  const seconds = ((ended ? left! : now!) - c.enqueuedAt) / 1000;
  if (threshold === null || seconds <= threshold) return [];
  return [
    {
      id: `LongQueueWait:${queueContactKey(c)}:${c.enqueuedAt}`,
      kind: 'LongQueueWait',
      at: formatUtc(c.enqueuedAt + threshold * 1000),
      ended,
      agentArn: null,
      username: null,
      contactId: c.contactId,
      name: queueLabel({ queueName, queueArn: c.queueArn }),
      seconds,
      thresholdSeconds: threshold,
    },
  ];
}

/**
 * ServiceLevelBelowTarget: in the bucket that holds `now`, the service level
 * of a queue (and channel) within its target's seconds is below the target's
 * percent, counted as the queue intervals count (contacts that disconnected
 * in the bucket so far). One occurrence per queue, channel and bucket.
 */
export function serviceLevelAlerts(contacts: readonly QueueContact[], now: number, rules: Pick<Rules, 'queues' | 'timezone' | 'bucketMinutes'>, names?: ReadonlyMap<string, string>): Alert[] {
  const bucket = new BucketCalendar(rules.timezone, rules.bucketMinutes).bucketOf(now);
  const out: Alert[] = [];
  for (const row of queueIntervals(contacts, rules, { from: bucket.start, to: Math.min(bucket.end, now + 1), names })) {
    const target = queueSettings(rules, row).serviceLevelTarget;
    const level = target ? row.serviceLevel[String(target.seconds)] : null;
    if (!target || level === null || level === undefined || level * 100 >= target.percent) continue;
    out.push({
      id: `ServiceLevelBelowTarget:${row.queueArn ?? `${row.instanceArn}/${row.queueName}`}:${row.channel}:${bucket.start}`,
      kind: 'ServiceLevelBelowTarget',
      at: formatUtc(now),
      ended: false,
      agentArn: null,
      username: null,
      contactId: null,
      name: queueLabel(row),
      seconds: target.seconds,
      thresholdSeconds: target.seconds,
      serviceLevel: { bucketStart: formatUtc(bucket.start), percent: level * 100, targetPercent: target.percent, contactsQueued: row.contactsQueued, channel: row.channel },
    });
  }
  return out;
}

/** The queue alerts going on at `now`: contacts waiting too long, and service levels below target in the current bucket. */
export function ongoingQueueAlerts(contacts: readonly QueueContact[], now: number, rules: Pick<Rules, 'queues' | 'timezone' | 'bucketMinutes'>): Alert[] {
  const names = queueNames(contacts);
  const out: Alert[] = [];
  for (const c of contacts) if (c.enqueuedAt !== null && now - c.enqueuedAt <= DEFAULT_STALE_AFTER_MS) out.push(...queueWaitAlert(c, rules, false, now, names));
  out.push(...serviceLevelAlerts(contacts, now, rules, names));
  return out;
}
