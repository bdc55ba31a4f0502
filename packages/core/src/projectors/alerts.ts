import type { Alert } from '../alert.js';
import type { AgentState, Interval } from './agent.js';
import type { ContactProjection } from './contacts.js';
import type { Rules } from '../rules.js';
import { formatUtc } from '../time.js';

/**
 * Alerts for occurrences that ended over their threshold: a hold, an
 * after-contact work or a status that lasted too long. Pure; the id names the
 * occurrence, so the ledger publishes each once even when the sweep already
 * raised it while it was going on.
 */
export function alertsForIntervals(intervals: readonly Interval[], rules: Rules): Alert[] {
  const out: Alert[] = [];
  for (const iv of intervals) {
    const seconds = (iv.end - iv.start) / 1000;
    const threshold = thresholdFor(iv.dimension, iv.name, rules);
    if (threshold === undefined || seconds <= threshold) continue;
    out.push(occurrenceAlert(kindFor(iv.dimension, iv.name), iv.agentArn, iv.username, iv.contactId, iv.name, iv.start, iv.end, threshold, true));
  }
  return out;
}

/** Alerts for abandoned contacts (in the queue or in the flow), one per contact. */
export function alertsForContacts(contacts: readonly ContactProjection[]): Alert[] {
  const out: Alert[] = [];
  for (const c of contacts) {
    if (c.row.outcome !== 'abandoned_in_queue' && c.row.outcome !== 'abandoned_in_flow') continue;
    out.push({
      id: `ContactAbandoned:${c.instanceArn}/${c.contactId}`,
      kind: 'ContactAbandoned',
      at: c.row.endedAt ?? c.row.lastUpdatedAt,
      ended: true,
      agentArn: null,
      username: null,
      contactId: c.contactId,
      name: c.row.outcome,
      seconds: c.row.durationSeconds ?? 0,
      thresholdSeconds: null,
    });
  }
  return out;
}

/** Alerts for holds, after-contact work and statuses still going on at `now` past their threshold. */
export function sweepAlerts(agents: readonly AgentState[], now: number, rules: Rules): Alert[] {
  const out: Alert[] = [];
  for (const a of agents) {
    if (!a.loggedIn) continue;
    if (a.status) {
      const threshold = thresholdFor('status', a.status.name, rules);
      if (threshold !== undefined && (now - a.status.since) / 1000 > threshold) {
        out.push(occurrenceAlert('LongStatus', a.agentArn, a.username, null, a.status.name, a.status.since, now, threshold, false));
      }
    }
    for (const c of a.contacts) {
      const threshold = thresholdFor('contact', c.state, rules);
      if (threshold !== undefined && (now - c.since) / 1000 > threshold) {
        out.push(occurrenceAlert(kindFor('contact', c.state), a.agentArn, a.username, c.contactId, c.state, c.since, now, threshold, false));
      }
    }
  }
  return out;
}

function thresholdFor(dimension: Interval['dimension'], name: string, rules: Rules): number | undefined {
  if (dimension === 'status') return rules.alerts.statusSeconds[name];
  if (dimension !== 'contact') return undefined;
  if (name === 'CONNECTED_ONHOLD') return rules.alerts.holdSeconds;
  if (name === 'ENDED') return rules.alerts.afterContactWorkSeconds;
  return undefined;
}

/** Only called for names that have a threshold (see thresholdFor). */
function kindFor(dimension: Interval['dimension'], name: string): Alert['kind'] {
  if (dimension === 'status') return 'LongStatus';
  return name === 'ENDED' ? 'LongAfterContactWork' : 'LongHold';
}

function occurrenceAlert(
  kind: Alert['kind'],
  agentArn: string,
  username: string | null,
  contactId: string | null,
  name: string,
  start: number,
  end: number,
  threshold: number,
  ended: boolean,
): Alert {
  return {
    id: `${kind}:${agentArn}:${contactId ?? name}:${start}`,
    kind,
    at: formatUtc(ended ? end : start + threshold * 1000),
    ended,
    agentArn,
    username,
    contactId,
    name,
    seconds: (end - start) / 1000,
    thresholdSeconds: threshold,
  };
}
