import type { Alert } from '../alert.js';
import type { AppendedEvent } from '../model.js';
import { alertsForOutputs, sweepAlerts } from '../projectors/alerts.js';
import { toProjectable } from '../engine/facts.js';
import { planProjection, type Plan } from '../engine/planner.js';
import { newerContact, projectContact, type ContactProjection } from '../projectors/contacts.js';
import { rulesHash, type Rules } from '../rules.js';
import { contactKey, type AlertLedger, type EventStore, type ProjectionReader, type ProjectionStore } from '../store/ports.js';

export interface ProjectOutcome {
  plan: Plan | null;
  /** alerts for ended occurrences raised for the first time */
  alerts: Alert[];
  /** the projections were built under other rules (a rebuild is due) */
  stale: boolean;
}

/**
 * Brings the projections up to date with events already in the event table
 * (the AWS project Lambda, fed by the table's stream): plan, commit, then
 * alerts for occurrences that ended over their thresholds, deduplicated
 * through the ledger. Delivering the same events again is harmless: the
 * planner re-folds the agents they touch, and contact alerts are raised from
 * every contact of the batch whose row is current (not only the rows that
 * changed), so that a retry after a crash between commit and publishing still
 * raises them; the ledger publishes each once.
 */
export async function projectEvents(
  stores: { events: EventStore; projections: ProjectionStore; ledger?: AlertLedger },
  rules: Rules,
  events: readonly AppendedEvent[],
): Promise<ProjectOutcome> {
  if (events.length === 0) return { plan: null, alerts: [], stale: false };
  const hash = rulesHash(rules);
  const meta = await stores.projections.meta();
  if (meta.rulesHash === null) await stores.projections.claimRules(hash);
  const plan = await planProjection(stores, rules, events.map((event) => ({ event })));
  await stores.projections.commit(plan.writes);
  const candidates = alertsForOutputs(plan.intervals, await currentContacts(stores.projections, rules, events), rules);
  const alerts = candidates.length === 0 ? [] : stores.ledger ? await stores.ledger.recordAlerts(candidates) : candidates;
  return { plan, alerts, stale: meta.rulesHash !== null && meta.rulesHash !== hash };
}

/** Alerts for holds, after-contact work and statuses still going on past their thresholds, each raised once. */
export async function sweepOnce(projections: ProjectionReader, ledger: AlertLedger, rules: Rules, now: number): Promise<Alert[]> {
  const alerts = sweepAlerts(await projections.listAgents(), now, rules);
  return alerts.length === 0 ? [] : ledger.recordAlerts(alerts);
}

/** The contact rows of the batch that the store holds as the newest copy (after the commit). */
async function currentContacts(projections: ProjectionReader, rules: Rules, events: readonly AppendedEvent[]): Promise<ContactProjection[]> {
  const rows = new Map<string, ContactProjection>();
  for (const event of events) {
    if (event.kind !== 'contact') continue;
    const { contact } = toProjectable(event);
    if (!contact) continue;
    const row = projectContact(contact, rules);
    const key = contactKey(row.instanceArn, row.contactId);
    rows.set(key, newerContact(rows.get(key), row));
  }
  if (rows.size === 0) return [];
  const versions = await projections.getContactVersions([...rows.values()]);
  return [...rows.values()].filter((r) => versions.get(contactKey(r.instanceArn, r.contactId)) === r.updatedAt);
}
