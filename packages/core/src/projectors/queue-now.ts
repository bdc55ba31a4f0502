import type { Rules } from '../rules.js';
import { localDate } from '../time.js';
import { BucketCalendar } from './buckets.js';
import { isAbandoned, leftQueueAt, predecessors, type QueueContact } from './queue-contact.js';
import { queueSettings } from './queue-settings.js';

/** Contacts not heard of for this long are not counted as waiting, in the flow or on contact (a lost DISCONNECTED). */
export const DEFAULT_STALE_AFTER_MS = 24 * 3_600_000;

/** Contacts that never run an inbound flow: an agent or the system reached out. */
const NO_INBOUND_FLOW = new Set(['OUTBOUND', 'EXTERNAL_OUTBOUND', 'MONITOR', 'AGENT_REPLY', 'CALLBACK']);

export interface QueueToday {
  /** the local date (rules' zone) the counts are for */
  date: string;
  /** contacts that entered the queue today */
  queued: number;
  /** queued contacts connected to an agent today */
  answered: number;
  /** CONTACTS_ABANDONED, gone today */
  abandoned: number;
  /**
   * per threshold: of today's queued contacts whose outcome is known (left the
   * queue, or already waiting longer than the threshold), the share that left
   * within it (answered, abandoned, or handed on to a callback or transfer)
   */
  serviceLevel: Record<string, number | null>;
}

export interface QueueNowRow {
  instanceArn: string;
  queueArn: string | null;
  queueName: string | null;
  waiting: number;
  /** enqueue time of the contact waiting longest, ms */
  oldestWaitingSince: number | null;
  agentsOnContact: number;
  today: QueueToday;
}

export interface QueueNow {
  at: number;
  /** contacts in an inbound flow (IVR), not queued yet, in any instance */
  inFlow: number;
  queues: QueueNowRow[];
}

interface Tally {
  row: QueueNowRow;
  agents: Set<string>;
  decided: number[];
  within: number[];
  thresholds: readonly number[];
}

/**
 * The live queue view at `at` (ms): a pure function of the merged contacts
 * (queue-contact.ts), so it is the same whatever order their events came in.
 * `names` resolves queue ARNs that only contact events named (they carry no
 * queue name; contact records and agent events do).
 */
export function queueNow(
  contacts: Iterable<QueueContact>,
  rules: Pick<Rules, 'timezone' | 'queues'>,
  at: number,
  options: { names?: ReadonlyMap<string, string>; staleAfterMs?: number } = {},
): QueueNow {
  const all = [...contacts];
  const handedOn = predecessors(all);
  const staleAfter = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const day = new BucketCalendar(rules.timezone, 1440).bucketOf(at);
  const today = (t: number | null) => t !== null && t >= day.start && t < day.end;
  const fresh = (t: number | null) => t !== null && t <= at && at - t <= staleAfter;
  const date = localDate(day.start, rules.timezone);
  const queues = new Map<string, Tally>();
  let inFlow = 0;

  const tally = (c: QueueContact): Tally => {
    const key = c.queueArn ?? `${c.instanceArn}|${c.queueName}`;
    let t = queues.get(key);
    if (!t) {
      const queueName = c.queueName ?? (c.queueArn ? options.names?.get(c.queueArn) : undefined) ?? null;
      const { serviceLevelSeconds } = queueSettings(rules, { queueArn: c.queueArn, queueName });
      t = {
        row: {
          instanceArn: c.instanceArn,
          queueArn: c.queueArn,
          queueName,
          waiting: 0,
          oldestWaitingSince: null,
          agentsOnContact: 0,
          today: { date, queued: 0, answered: 0, abandoned: 0, serviceLevel: {} },
        },
        agents: new Set(),
        decided: serviceLevelSeconds.map(() => 0),
        within: serviceLevelSeconds.map(() => 0),
        thresholds: serviceLevelSeconds,
      };
      queues.set(key, t);
    } else if (t.row.queueName === null && c.queueName !== null) {
      t.row.queueName = c.queueName;
    }
    return t;
  };

  for (const c of all) {
    if (c.queueArn === null && c.queueName === null) {
      const inbound = c.initiationMethod === null || !NO_INBOUND_FLOW.has(c.initiationMethod);
      if (inbound && c.enqueuedAt === null && c.connectedToAgentAt === null && c.disconnectedAt === null && fresh(c.initiatedAt)) inFlow++;
      continue;
    }
    const t = tally(c);
    const left = leftQueueAt(c);
    if (c.enqueuedAt !== null && left === null && fresh(c.enqueuedAt)) {
      t.row.waiting++;
      if (t.row.oldestWaitingSince === null || c.enqueuedAt < t.row.oldestWaitingSince) t.row.oldestWaitingSince = c.enqueuedAt;
    }
    if (c.connectedToAgentAt !== null && c.completedAt === null && c.agentArn && fresh(c.connectedToAgentAt)) t.agents.add(c.agentArn);
    if (today(c.enqueuedAt)) {
      t.row.today.queued++;
      t.thresholds.forEach((x, i) => {
        const waited = (left ?? at) - c.enqueuedAt!;
        if (left === null && waited <= x * 1000) return; // still waiting, and may yet make it
        t.decided[i]!++;
        if (left !== null && waited <= x * 1000) t.within[i]!++;
      });
    }
    if (c.enqueuedAt !== null && today(c.connectedToAgentAt)) t.row.today.answered++;
    if (today(c.disconnectedAt) && isAbandoned(c, handedOn)) t.row.today.abandoned++;
  }

  const rows = [...queues.values()].map((t) => {
    t.row.agentsOnContact = t.agents.size;
    t.thresholds.forEach((x, i) => (t.row.today.serviceLevel[String(x)] = t.decided[i] === 0 ? null : t.within[i]! / t.decided[i]!));
    return t.row;
  });
  rows.sort((a, b) => (a.queueName ?? a.queueArn ?? '').localeCompare(b.queueName ?? b.queueArn ?? '') || (a.queueArn ?? '').localeCompare(b.queueArn ?? ''));
  return { at, inFlow, queues: rows };
}
