import type { Alert } from '../alert.js';
import type { ProjectableEvent } from '../parse/facts.js';
import { ongoingQueueAlerts, queueWaitAlert } from '../projectors/queue-alerts.js';
import { mergeObservation, observeContactEvent, observeContactRecord, queueContactKey, type QueueContact } from '../projectors/queue-contact.js';
import { DEFAULT_STALE_AFTER_MS } from '../projectors/queue-now.js';
import type { Rules } from '../rules.js';
import type { ProjectionReader, StoredDocument } from '../store/ports.js';
import { documentProjection, type DocumentProjection } from './documents.js';

/** The name of the queue contacts projection in the documents table (and its change key). */
export const QUEUE_CONTACTS = 'queueContacts';

/** What an event tells of its contact, if anything. */
function observe(e: ProjectableEvent) {
  if (e.contactEvent) return observeContactEvent(e.contactEvent, e.event.dedupeKey);
  if (e.contact) return observeContactRecord(e.contact);
  return null;
}

/**
 * The time a queue contact is filed under: when it disconnected, else the
 * newest time observed of it. Queue intervals count contacts by disconnect
 * time; queue now reads the contacts heard of since the start of the day (or
 * of the staleness window), which every contact waiting or counted today is.
 */
export function queueContactAt(c: QueueContact): number | null {
  if (c.disconnectedAt !== null) return c.disconnectedAt;
  // `seen` is in stamp order, records (rank 1) last: the newest time is the greatest of them
  let at: number | null = null;
  for (const stamp of c.seen) if (at === null || stamp[1] > at) at = stamp[1];
  return at;
}

/**
 * The queue projections' documents (design.md "Queue projections"): one per
 * contact (queueContactKey), merging its contact events and contact records
 * field by field (queue-contact.ts), so any order and any repeat give the
 * same document. Queue now and queue intervals are computed from them when
 * read (queries in api/queues.ts).
 */
const definition = documentProjection<QueueContact>({
  name: QUEUE_CONTACTS,
  // 2: `from` spelled as one character per field
  version: 2,
  reads: ['contactEvent', 'contact'],
  keys: (e) => {
    const c = e.contactEvent ?? (e.contact ? { instanceArn: e.contact.InstanceARN, contactId: e.contact.ContactId } : null);
    return c ? [queueContactKey(c)] : [];
  },
  evolve(doc, e) {
    const o = observe(e);
    return o ? mergeObservation(doc ?? undefined, o) : doc;
  },
  at: queueContactAt,
  alerts: (_key, doc, rules) => (doc ? queueWaitAlert(doc, rules, true) : []),
});

/** Queue contacts heard of in the window queue now looks at, from `now`. */
export async function recentQueueContacts(projections: Pick<ProjectionReader, 'documents'>, now: number, since: number): Promise<QueueContact[]> {
  const out: QueueContact[] = [];
  for await (const d of projections.documents(QUEUE_CONTACTS, { from: Math.min(since, now - DEFAULT_STALE_AFTER_MS) })) {
    out.push((d as StoredDocument<QueueContact>).doc);
  }
  return out;
}

export const queueContactsProjection: DocumentProjection<QueueContact> = {
  ...definition,
  // the sweep reads only the contacts heard of lately, not every document
  async ongoingAlerts(projections: ProjectionReader, now: number, rules: Rules): Promise<Alert[]> {
    return ongoingQueueAlerts(await recentQueueContacts(projections, now, now), now, rules);
  },
};
