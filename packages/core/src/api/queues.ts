import { BucketCalendar } from '../projectors/buckets.js';
import { queueNames, type QueueContact } from '../projectors/queue-contact.js';
import { queueIntervals } from '../projectors/queue-intervals.js';
import { queueNow } from '../projectors/queue-now.js';
import { queueSettings } from '../projectors/queue-settings.js';
import { QUEUE_CONTACTS, recentQueueContacts } from '../projections/queues.js';
import type { Rules } from '../rules.js';
import type { ProjectionReader, StoredDocument } from '../store/ports.js';
import { formatLocal, formatUtc } from '../time.js';
import type { QueueIntervalView, QueuesNowView } from './views.js';
import type { TimeFilter } from './queries.js';

/** A queue's name or ARN, as --queue and ?queue= take it. */
const matchesQueue = (queue: string | undefined) => (q: { queueArn: string | null; queueName: string | null }) =>
  queue === undefined || q.queueArn === queue || q.queueName === queue;

/** Queue now at `now` (ms, event time): computed when read from the queue contacts heard of today and lately. */
export async function queryQueueNow(store: Pick<ProjectionReader, 'documents'>, rules: Rules, now: number, options: { queue?: string } = {}): Promise<QueuesNowView> {
  const dayStart = new BucketCalendar(rules.timezone, 1440).bucketOf(now).start;
  const contacts = await recentQueueContacts(store, now, dayStart);
  const names = queueNames(contacts);
  const view = queueNow(contacts, rules, now, { names });
  const served = agentsServing(contacts, dayStart, now);
  return {
    at: formatUtc(now),
    inFlow: view.inFlow,
    queues: view.queues.filter(matchesQueue(options.queue)).map((q) => ({
      instanceArn: q.instanceArn,
      queueArn: q.queueArn,
      queueName: q.queueName,
      waiting: q.waiting,
      oldestWaitingSince: q.oldestWaitingSince === null ? null : formatUtc(q.oldestWaitingSince),
      oldestWaitingSeconds: q.oldestWaitingSince === null ? null : Math.max(0, now - q.oldestWaitingSince) / 1000,
      oldestWaitingAlertSeconds: queueSettings(rules, q).oldestWaitingAlertSeconds,
      agentsOnContact: q.agentsOnContact,
      agentArns: [...(served.get(queueKey(q)) ?? [])].sort(),
      today: q.today,
    })),
  };
}

const queueKey = (q: { instanceArn: string; queueArn: string | null; queueName: string | null }) => q.queueArn ?? `${q.instanceArn}|${q.queueName}`;

/** The agents connected to each queue's contacts since `from`: who serves the queue today. */
function agentsServing(contacts: readonly QueueContact[], from: number, now: number): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of contacts) {
    if (!c.agentArn || c.connectedToAgentAt === null || c.connectedToAgentAt < from || c.connectedToAgentAt > now) continue;
    if (c.queueArn === null && c.queueName === null) continue;
    const key = queueKey(c);
    out.set(key, (out.get(key) ?? new Set()).add(c.agentArn));
  }
  return out;
}

/** Queue intervals of the contacts that disconnected in [from, to), in the rules' zone and bucket (or `bucketMinutes`). */
export async function queryQueueIntervals(
  store: Pick<ProjectionReader, 'documents'>,
  rules: Rules,
  options: TimeFilter & { bucketMinutes?: number; queue?: string } = {},
): Promise<QueueIntervalView[]> {
  const contacts: QueueContact[] = [];
  // contacts file under their disconnect time; the range is widened by a day so
  // that successors (callbacks, transfers) that tell a contact was handed on are read too
  const DAY = 86_400_000;
  const query = { from: options.from, to: options.to === undefined ? undefined : options.to + DAY };
  for await (const d of store.documents(QUEUE_CONTACTS, query)) contacts.push((d as StoredDocument<QueueContact>).doc);
  const rows = queueIntervals(contacts, { ...rules, bucketMinutes: (options.bucketMinutes ?? rules.bucketMinutes) as Rules['bucketMinutes'] }, {
    from: options.from,
    to: options.to,
    names: queueNames(contacts),
  });
  return rows.filter(matchesQueue(options.queue)).map((r) => ({
    ...r,
    bucketStart: formatLocal(r.bucketStart, rules.timezone),
    bucketEnd: formatLocal(r.bucketEnd, rules.timezone),
  }));
}
