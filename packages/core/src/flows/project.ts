import type { Alert } from '../api/views.js';
import type { StoredEvent } from '../model.js';
import { alertsForOutputs, sweepAlerts } from '../engine/alerts.js';
import { planProjection, type Plan } from '../engine/projector.js';
import { rulesHash, type Rules } from '../rules.js';
import type { AlertLedger, EventStore, ProjectionReader, ProjectionStore } from '../store/ports.js';

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
 * planner re-folds the agents they touch.
 */
export async function projectEvents(
  stores: { events: EventStore; projections: ProjectionStore; ledger?: AlertLedger },
  rules: Rules,
  events: readonly StoredEvent[],
): Promise<ProjectOutcome> {
  if (events.length === 0) return { plan: null, alerts: [], stale: false };
  const hash = rulesHash(rules);
  const meta = await stores.projections.meta();
  if (meta.rulesHash === null) await stores.projections.claimRules(hash);
  const plan = await planProjection(stores, rules, events.map((event) => ({ event })));
  await stores.projections.commit(plan.writes);
  const candidates = alertsForOutputs(plan.intervals, plan.contacts, rules);
  const alerts = candidates.length === 0 ? [] : stores.ledger ? await stores.ledger.recordAlerts(candidates) : candidates;
  return { plan, alerts, stale: meta.rulesHash !== null && meta.rulesHash !== hash };
}

/** Alerts for holds, after-contact work and statuses still going on past their thresholds, each raised once. */
export async function sweepOnce(projections: ProjectionReader, ledger: AlertLedger, rules: Rules, now: number): Promise<Alert[]> {
  const alerts = sweepAlerts(await projections.listAgents(), now, rules);
  return alerts.length === 0 ? [] : ledger.recordAlerts(alerts);
}
