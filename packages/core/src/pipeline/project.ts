import type { Alert } from '../alert.js';
import type { AppendedEvent } from '../model.js';
import { planProjection, type Plan } from '../engine/planner.js';
import { isStaleBuild, ongoingAlerts, projectionVersions, stalenessOf } from '../projections/index.js';
import { rulesHash, type Rules } from '../rules.js';
import type { AlertLedger, EventStore, ProjectionReader, ProjectionStore } from '../store/ports.js';

export interface ProjectOutcome {
  plan: Plan | null;
  /** alerts for ended occurrences raised for the first time */
  alerts: Alert[];
  /** the projections were built under other rules or by other projection versions (a rebuild is due) */
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
  if (meta.rulesHash === null) await stores.projections.claimRules(hash, projectionVersions());
  const plan = await planProjection(stores, rules, events.map((event) => ({ event })));
  await stores.projections.commit(plan.writes);
  const candidates = plan.alerts;
  const alerts = candidates.length === 0 ? [] : stores.ledger ? await stores.ledger.recordAlerts(candidates) : candidates;
  return { plan, alerts, stale: isStaleBuild(stalenessOf(meta, hash)) };
}

/** Alerts for occurrences still going on past their thresholds (holds, after-contact work, statuses), each raised once. */
export async function sweepOnce(projections: ProjectionReader, ledger: AlertLedger, rules: Rules, now: number): Promise<Alert[]> {
  const alerts = await ongoingAlerts(projections, now, rules);
  return alerts.length === 0 ? [] : ledger.recordAlerts(alerts);
}
