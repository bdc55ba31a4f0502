import { useEffect, useState } from 'preact/hooks';
import { ALERT_KIND_LABELS } from '../alerts.js';
import { getJson } from '../api.js';
import { now } from '../clock.js';
import type { CentreDates } from '../dates.js';
import { exitPointLabel } from '../flows.js';
import { formatDuration } from '../time.js';
import type { Alert, ContactRow } from '../types.js';

interface Props {
  /** newest first */
  alerts: readonly Alert[];
  dates: CentreDates;
  /** changes whenever `alerts` does */
  version: number;
  limit?: number;
  exitLabels?: Record<string, string>;
}

export function AlertFeed({ alerts, dates, limit = 50, exitLabels }: Props) {
  const shown = alerts.slice(0, limit);
  const contacts = useAbandonedContacts(shown);
  const today = now();
  return (
    <aside class="alert-feed" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Recent alerts</h2>
      {shown.length === 0 ? (
        <p class="muted">No recent alerts.</p>
      ) : (
        <ol>
          {shown.map((al) => {
            const t = Date.parse(al.at);
            const contact = al.kind === 'ContactAbandoned' && al.contactId ? contacts.get(al.contactId) : undefined;
            return (
              <li key={al.id} class={`alert k-${al.kind}${al.ended ? ' ended' : ''}`} data-alert={al.kind}>
                {Number.isFinite(t) && (
                  <time dateTime={al.at} title={dates.dateTime(t)}>
                    {dates.date(t) === dates.date(today) ? dates.time(t) : dates.dateTime(t)}
                  </time>
                )}{' '}
                <strong>{ALERT_KIND_LABELS[al.kind] ?? al.kind}</strong>
                {al.kind === 'LongStatus' && al.name ? ` (${al.name})` : ''}
                {al.kind === 'ContactAbandoned' && al.name ? ` (${al.name.replace(/_/g, ' ').replace(/^abandoned /, '')})` : ''}
                {(al.kind === 'LongQueueWait' || al.kind === 'ServiceLevelBelowTarget') && al.name ? ` (${al.name.split('/').pop()})` : ''}
                {al.serviceLevel ? ` ${al.serviceLevel.percent.toFixed(1)}% < ${al.serviceLevel.targetPercent}%` : ''}
                <div class="muted">
                  {al.kind === 'ContactAbandoned' ? (
                    <AbandonedDetails alert={al} contact={contact} exitLabels={exitLabels} />
                  ) : (
                    <>
                      {al.username ?? al.agentArn?.split('/').pop() ?? al.contactId ?? ''}
                      {al.seconds > 0 ? ` · ${formatDuration(al.seconds)}` : ''}
                      {al.thresholdSeconds != null ? ` (limit ${formatDuration(al.thresholdSeconds)})` : ''}
                      {al.ended ? ' · ended' : ''}
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}

/** Where the caller gave up, who they were and how long they tried: queue (or flow exit), number, duration. */
function AbandonedDetails({ alert, contact, exitLabels }: { alert: Alert; contact: ContactRow | null | undefined; exitLabels?: Record<string, string> }) {
  if (!contact) {
    // not found (yet): the id is all there is
    return (
      <span class="contact-id">
        contact {alert.contactId?.slice(0, 8)}
        {alert.seconds > 0 ? ` · ${formatDuration(alert.seconds)}` : ''}
      </span>
    );
  }
  const where = contact.queueName
    ? `queue ${contact.queueName}${contact.queueSeconds != null ? ` after ${formatDuration(contact.queueSeconds)}` : ''}`
    : contact.exitPoint
      ? `flow at ${exitPointLabel(contact.exitPoint, exitLabels)}`
      : 'in the flow';
  const number = contact.customerNumberNational ?? contact.customerNumber;
  return (
    <span>
      <span data-part="where">{where}</span>
      {number && (
        <>
          {' · '}
          <span class="phone" data-part="number">
            {number}
          </span>
        </>
      )}
      {contact.durationSeconds != null ? ` · ${formatDuration(contact.durationSeconds)} in all` : ''}
    </span>
  );
}

/** Contact rows of abandoned-contact alerts, by contact id; null when the API does not have it. */
const known = new Map<string, ContactRow | null>();
/** Alerts whose start times lie this close together are looked up in one request. */
const CLUSTER_MS = 60_000;
const MARGIN_MS = 2_000;

function useAbandonedContacts(alerts: readonly Alert[]): ReadonlyMap<string, ContactRow | null> {
  const [, setVersion] = useState(0);
  // lookups end only when the feed goes away: marking contacts as asked for re-renders with nothing wanted,
  // which must not cancel the request that will answer them
  const [unmounted] = useState(() => new AbortController());
  useEffect(() => () => unmounted.abort(), []);
  const wanted = alerts.filter((a) => a.kind === 'ContactAbandoned' && a.contactId && !known.has(a.contactId));
  const key = wanted.map((a) => a.id).join('|');
  useEffect(() => {
    if (wanted.length === 0) return;
    const ids = wanted.map((a) => a.contactId!);
    for (const id of ids) known.set(id, null);
    Promise.all(lookups(wanted).map((q) => getJson<ContactRow[]>('/api/contacts', q, unmounted.signal))).then(
      (results) => {
        for (const rows of results) for (const r of rows) if (known.has(r.contactId)) known.set(r.contactId, r);
        if (!unmounted.signal.aborted) setVersion((n) => n + 1);
      },
      () => {
        // aborted or failed: ask again next time
        for (const id of ids) if (known.get(id) === null) known.delete(id);
      },
    );
  }, [key]);
  return known;
}

/**
 * Queries that find the contacts behind abandoned-contact alerts: an alert
 * is raised when the contact ends (`at`) and carries its duration, so the
 * contact started at `at - seconds`; the API filters on that start.
 */
export function lookups(alerts: readonly Alert[]): Array<Record<string, string>> {
  const byOutcome = new Map<string, Array<[number, number]>>();
  for (const a of alerts) {
    const end = Date.parse(a.at);
    if (!Number.isFinite(end)) continue;
    const started = a.seconds > 0 ? end - a.seconds * 1000 : end;
    const window: [number, number] = [started - MARGIN_MS - (a.seconds > 0 ? 0 : 3_600_000), started + MARGIN_MS];
    const list = byOutcome.get(a.name ?? '') ?? [];
    list.push(window);
    byOutcome.set(a.name ?? '', list);
  }
  const out: Array<Record<string, string>> = [];
  for (const [outcome, windows] of byOutcome) {
    windows.sort((x, y) => x[0] - y[0]);
    let current: [number, number] | null = null;
    const flush = () => {
      if (current) out.push({ from: new Date(current[0]).toISOString(), to: new Date(current[1]).toISOString(), ...(outcome ? { outcome } : {}) });
    };
    for (const w of windows) {
      if (current && w[0] <= current[1] + CLUSTER_MS) current[1] = Math.max(current[1], w[1]);
      else {
        flush();
        current = [...w];
      }
    }
    flush();
  }
  return out;
}
