import { useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { now } from '../clock.js';
import { HStackChart, type HBarRow, type SeriesDef } from '../components/charts.js';
import { Pager } from '../components/Pager.js';
import { downloadText, toCsv } from '../csv.js';
import { useLoad, useProjectionRefresh } from '../hooks.js';
import { addDays, formatDuration, isDate, isValidZone, localDate, wallTime } from '../time.js';
import type { ConfigView, ContactRow, FunnelRow } from '../types.js';

const PAGE = 100;

export const OUTCOME_SERIES: SeriesDef[] = [
  { key: 'handled', label: 'Handled', colour: '#16a34a' },
  { key: 'transferred', label: 'Transferred', colour: '#7c3aed' },
  { key: 'completed_in_flow', label: 'Completed in flow', colour: '#2563eb' },
  { key: 'abandoned_in_flow', label: 'Abandoned in flow', colour: '#dc2626' },
  { key: 'abandoned_in_queue', label: 'Abandoned in queue', colour: '#d97706' },
  { key: 'other', label: 'Other', colour: '#9ca3af' },
];

const outcomeLabel = (o: string) => OUTCOME_SERIES.find((s) => s.key === o)?.label ?? o;
const NO_EXIT = '(no exit point)';

type AbandonedFilter = 'all' | 'abandoned_in_flow' | 'abandoned_in_queue';

export function Flows({ config, configReady }: { config: ConfigView | undefined; configReady: boolean }) {
  const zone = config?.timezone && isValidZone(config.timezone) ? config.timezone : 'UTC';
  const funnel = useLoad(configReady ? 'funnel' : null, (signal) => getJson<FunnelRow[]>('/api/funnel', undefined, signal));
  const abandoned = useLoad(configReady ? 'abandoned' : null, async (signal) => {
    const [inFlow, inQueue] = await Promise.all([
      getJson<ContactRow[]>('/api/contacts', { outcome: 'abandoned_in_flow' }, signal),
      getJson<ContactRow[]>('/api/contacts', { outcome: 'abandoned_in_queue' }, signal),
    ]);
    return [...inFlow, ...inQueue];
  });
  useProjectionRefresh('contacts', () => {
    funnel.reload();
    abandoned.reload();
  });

  const [dateInput, setDate] = useState<string | null>(null);
  const [which, setWhich] = useState<AbandonedFilter>('all');
  const [page, setPage] = useState(0);

  const today = localDate(now(), zone);
  const dates = useMemo(() => [...new Set((funnel.data ?? []).map((r) => r.date))].sort().reverse(), [funnel.data]);
  const date = dateInput ?? (dates.includes(today) || dates.length === 0 ? today : dates[0]!);

  const rows: HBarRow[] = useMemo(() => {
    const byExit = new Map<string, HBarRow>();
    for (const r of funnel.data ?? []) {
      if (r.date !== date) continue;
      const key = r.exitPoint ?? '\u0000none';
      let row = byExit.get(key);
      if (!row) {
        row = { key, label: r.exitPoint ?? NO_EXIT, values: {} };
        byExit.set(key, row);
      }
      row.values[r.outcome] = (row.values[r.outcome] ?? 0) + r.contacts;
    }
    const total = (r: HBarRow) => Object.values(r.values).reduce((a, b) => a + b, 0);
    return [...byExit.values()].sort((a, b) => total(b) - total(a) || a.label.localeCompare(b.label));
  }, [funnel.data, date]);

  const grand = rows.reduce((s, r) => s + Object.values(r.values).reduce((a, b) => a + b, 0), 0);
  const outcomeTotals = Object.fromEntries(OUTCOME_SERIES.map((o) => [o.key, rows.reduce((s, r) => s + (r.values[o.key] ?? 0), 0)]));

  const calls = useMemo(() => {
    const list = (abandoned.data ?? []).filter(
      (c) => (c.startedAtLocal ?? '').slice(0, 10) === date && (which === 'all' || c.outcome === which),
    );
    list.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || a.contactId.localeCompare(b.contactId));
    return list;
  }, [abandoned.data, date, which]);
  const pageCount = Math.max(1, Math.ceil(calls.length / PAGE));
  const safePage = Math.min(page, pageCount - 1);

  const pick = (d: string | null) => {
    setDate(d);
    setPage(0);
  };

  const downloadCalls = () => {
    const header = ['contactId', 'startedAtLocal', 'customerNumberNational', 'exitPoint', 'outcome', 'durationSeconds', 'queueName', 'queueSeconds', 'disconnectReason'] as const;
    downloadText(`switchboard-abandoned-${date}.csv`, toCsv(header, calls.map((c) => header.map((k) => c[k]))));
  };

  return (
    <section class="flows" aria-labelledby="flows-title">
      <h2 id="flows-title">Flow exits</h2>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <button type="button" onClick={() => pick(addDays(date, -1))} aria-label="Previous day">
          ◀
        </button>
        <span class="field">
          <label for="flows-date">Date ({zone})</label>
          <input id="flows-date" type="date" value={date} onChange={(e) => pick(isDate((e.target as HTMLInputElement).value) ? (e.target as HTMLInputElement).value : null)} />
        </span>
        <button type="button" onClick={() => pick(addDays(date, 1))} aria-label="Next day">
          ▶
        </button>
        {dates.length > 0 && (
          <span class="field">
            <label for="flows-dates">Dates with contacts</label>
            <select id="flows-dates" value={dates.includes(date) ? date : ''} onChange={(e) => pick((e.target as HTMLSelectElement).value || null)}>
              {!dates.includes(date) && <option value="">—</option>}
              {dates.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </span>
        )}
      </form>
      {funnel.error && (
        <p class="error" role="alert">
          Could not load the funnel: {funnel.error}
        </p>
      )}
      <div aria-busy={funnel.loading}>
        <HStackChart rows={rows} series={OUTCOME_SERIES} title={`Where callers left the flow on ${date}: contacts by exit point and outcome`} />
        <div class="table-wrap">
          <table class="data" data-table="funnel">
            <caption>Contacts by exit point and outcome on {date} (first contact of each chain)</caption>
            <thead>
              <tr>
                <th scope="col">Exit point</th>
                {OUTCOME_SERIES.map((o) => (
                  <th scope="col" key={o.key} class="num">
                    {o.label}
                  </th>
                ))}
                <th scope="col" class="num">
                  Total
                </th>
                <th scope="col" class="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const total = Object.values(r.values).reduce((a, b) => a + b, 0);
                return (
                  <tr key={r.key}>
                    <th scope="row">{r.label}</th>
                    {OUTCOME_SERIES.map((o) => (
                      <td key={o.key} class="num">
                        {r.values[o.key] ?? 0}
                      </td>
                    ))}
                    <td class="num">{total}</td>
                    <td class="num">{grand ? `${((100 * total) / grand).toFixed(1)}%` : ''}</td>
                  </tr>
                );
              })}
              {rows.length === 0 && !funnel.loading && (
                <tr>
                  <td colSpan={OUTCOME_SERIES.length + 3} class="empty">
                    No contacts on {date}.
                  </td>
                </tr>
              )}
            </tbody>
            {rows.length > 0 && (
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  {OUTCOME_SERIES.map((o) => (
                    <td key={o.key} class="num">
                      {outcomeTotals[o.key]}
                    </td>
                  ))}
                  <td class="num">{grand}</td>
                  <td class="num">100%</td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      </div>

      <h3 id="abandoned-title">Abandoned calls</h3>
      <div class="toolbar">
        <span class="field">
          <label for="flows-outcome">Outcome</label>
          <select
            id="flows-outcome"
            value={which}
            onChange={(e) => {
              setWhich((e.target as HTMLSelectElement).value as AbandonedFilter);
              setPage(0);
            }}
          >
            <option value="all">Abandoned in flow or queue</option>
            <option value="abandoned_in_flow">Abandoned in flow</option>
            <option value="abandoned_in_queue">Abandoned in queue</option>
          </select>
        </span>
        <button type="button" onClick={downloadCalls} disabled={calls.length === 0}>
          Download CSV
        </button>
      </div>
      {abandoned.error && (
        <p class="error" role="alert">
          Could not load abandoned calls: {abandoned.error}
        </p>
      )}
      <div class="table-wrap" aria-busy={abandoned.loading}>
        <table class="data" data-table="abandoned" aria-labelledby="abandoned-title">
          <caption>
            {calls.length.toLocaleString()} abandoned calls on {date}, newest first (local time, {zone})
          </caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Customer number</th>
              <th scope="col">Exit point</th>
              <th scope="col">Outcome</th>
              <th scope="col" class="num">
                Duration
              </th>
              <th scope="col">Queue</th>
              <th scope="col" class="num">
                In queue
              </th>
              <th scope="col">Disconnected by</th>
            </tr>
          </thead>
          <tbody>
            {calls.slice(safePage * PAGE, safePage * PAGE + PAGE).map((c) => (
              <tr key={c.contactId} data-contact={c.contactId}>
                <td>
                  <time dateTime={c.startedAt}>{wallTime(c.startedAtLocal)}</time>
                </td>
                <td class="phone">{c.customerNumberNational ?? c.customerNumber ?? '—'}</td>
                <td>{c.exitPoint ?? NO_EXIT}</td>
                <td>
                  <span class={`outcome o-${c.outcome}`}>{outcomeLabel(c.outcome)}</span>
                </td>
                <td class="num">{c.durationSeconds != null ? formatDuration(c.durationSeconds) : '—'}</td>
                <td>{c.queueName ?? '—'}</td>
                <td class="num">{c.queueSeconds != null ? formatDuration(c.queueSeconds) : '—'}</td>
                <td>{c.disconnectReason ? c.disconnectReason.replace(/_/g, ' ').toLowerCase() : '—'}</td>
              </tr>
            ))}
            {calls.length === 0 && !abandoned.loading && (
              <tr>
                <td colSpan={8} class="empty">
                  No abandoned calls on {date}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager page={safePage} pageSize={PAGE} total={calls.length} onPage={setPage} label="Abandoned calls" />
    </section>
  );
}
