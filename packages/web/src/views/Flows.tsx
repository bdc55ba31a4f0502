import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { now } from '../clock.js';
import { formatCount, HStackChart, TimeStackChart, type HBarRow, type SeriesDef, type TimeBar } from '../components/charts.js';
import { DayPicker } from '../components/Fields.js';
import { Pager } from '../components/Pager.js';
import { StepFunnelTable } from '../components/StepFunnel.js';
import { downloadText, toCsv } from '../csv.js';
import { dayLabel, useCentreDates } from '../dates.js';
import { exitPointLabel, outcomeLabel, outcomeSeries, stepFunnel } from '../flows.js';
import { useLoad, useProjectionRefresh } from '../hooks.js';
import { addDays, formatDuration, isDate, isValidZone, localDate, zonedDayStart } from '../time.js';
import type { ConfigView, ContactRow, FunnelRow } from '../types.js';
import { useUrlParam } from '../url.js';

const PAGE = 100;
const NO_EXIT = '(no exit point)';
const HOUR_MS = 3_600_000;

type AbandonedFilter = 'all' | 'abandoned_in_flow' | 'abandoned_in_queue';

export function Flows({ config, configReady }: { config: ConfigView | undefined; configReady: boolean }) {
  const zone = config?.timezone && isValidZone(config.timezone) ? config.timezone : 'UTC';
  const dates = useCentreDates(zone, config?.phoneRegion);
  const labels = config?.exitLabels;
  const funnel = useLoad(configReady ? 'funnel' : null, (signal) => getJson<FunnelRow[]>('/api/funnel', undefined, signal));

  const [dateParam, setDate] = useUrlParam('date', '', isDate);
  const [which, setWhich] = useUrlParam<AbandonedFilter>('outcome', 'all', (v) => ['all', 'abandoned_in_flow', 'abandoned_in_queue'].includes(v));
  const [page, setPage] = useState(0);

  const today = localDate(now(), zone);
  const datesWithContacts = useMemo(() => [...new Set((funnel.data ?? []).map((r) => r.date))].sort().reverse(), [funnel.data]);
  // the latest day with contacts, unless the link names one
  const date = dateParam || (datesWithContacts.includes(today) || datesWithContacts.length === 0 ? today : datesWithContacts[0]!);
  // once the day is known, the link names it
  useEffect(() => {
    if (!dateParam && funnel.data) setDate(date);
  }, [dateParam, funnel.data]);
  const dayStart = zonedDayStart(date, zone);
  const dayEnd = zonedDayStart(addDays(date, 1), zone);

  // which day is shown is known once the link names it or the funnel says which days have contacts
  const dateKnown = configReady && (dateParam !== '' || funnel.data !== undefined || funnel.error !== null);
  const abandoned = useLoad(dateKnown ? `abandoned|${date}|${zone}` : null, async (signal) => {
    const range = { from: new Date(dayStart).toISOString(), to: new Date(dayEnd).toISOString() };
    const [inFlow, inQueue] = await Promise.all([
      getJson<ContactRow[]>('/api/contacts', { ...range, outcome: 'abandoned_in_flow' }, signal),
      getJson<ContactRow[]>('/api/contacts', { ...range, outcome: 'abandoned_in_queue' }, signal),
    ]);
    return [...inFlow, ...inQueue];
  });
  // Contacts per hour and outcome: the funnel of each hour (small answers, whatever the size of the centre).
  const trend = useLoad(dateKnown ? `trend|${date}|${zone}` : null, (signal) => {
    const hours: number[] = [];
    for (let t = dayStart; t < dayEnd && t <= now(); t += HOUR_MS) hours.push(t);
    return Promise.all(
      hours.map(async (t) => ({
        start: t,
        rows: await getJson<FunnelRow[]>('/api/funnel', { from: new Date(t).toISOString(), to: new Date(Math.min(t + HOUR_MS, dayEnd)).toISOString() }, signal),
      })),
    );
  });
  useProjectionRefresh('contacts', () => {
    funnel.reload();
    abandoned.reload();
    trend.reload();
  });

  const dayRows = useMemo(() => (funnel.data ?? []).filter((r) => r.date === date), [funnel.data, date]);
  const series = useMemo(() => outcomeSeries(dayRows.map((r) => r.outcome)).filter((s) => dayRows.some((r) => r.outcome === s.key)), [dayRows]);

  const rows: HBarRow[] = useMemo(() => {
    const byExit = new Map<string, HBarRow>();
    for (const r of dayRows) {
      const key = r.exitPoint ?? '\u0000none';
      let row = byExit.get(key);
      if (!row) {
        row = { key, label: r.exitPoint === null ? NO_EXIT : exitPointLabel(r.exitPoint, labels), values: {} };
        byExit.set(key, row);
      }
      row.values[r.outcome] = (row.values[r.outcome] ?? 0) + r.contacts;
    }
    const total = (r: HBarRow) => Object.values(r.values).reduce((a, b) => a + b, 0);
    return [...byExit.values()].sort((a, b) => total(b) - total(a) || a.label.localeCompare(b.label));
  }, [dayRows, labels]);

  const grand = rows.reduce((s, r) => s + Object.values(r.values).reduce((a, b) => a + b, 0), 0);
  const outcomeTotals = Object.fromEntries(series.map((o) => [o.key, rows.reduce((s, r) => s + (r.values[o.key] ?? 0), 0)]));
  const steps = useMemo(() => stepFunnel(dayRows), [dayRows]);

  const trendBars: TimeBar[] = useMemo(
    () =>
      (trend.data ?? []).map(({ start, rows: hour }) => {
        const values: Record<string, number> = {};
        for (const r of hour) values[r.outcome] = (values[r.outcome] ?? 0) + r.contacts;
        return { start, end: start + HOUR_MS, label: `${dates.hourMinute(start)}–${dates.hourMinute(start + HOUR_MS)}`, values };
      }),
    [trend.data, dates],
  );
  const trendSeries: SeriesDef[] = useMemo(
    () => outcomeSeries(trendBars.flatMap((b) => Object.keys(b.values))).filter((s) => trendBars.some((b) => (b.values[s.key] ?? 0) > 0)),
    [trendBars],
  );

  const calls = useMemo(() => {
    const list = (abandoned.data ?? []).filter((c) => (c.startedAtLocal ?? '').slice(0, 10) === date && (which === 'all' || c.outcome === which));
    list.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || a.contactId.localeCompare(b.contactId));
    return list;
  }, [abandoned.data, date, which]);
  const pageCount = Math.max(1, Math.ceil(calls.length / PAGE));
  const safePage = Math.min(page, pageCount - 1);

  const pick = (d: string | null) => {
    setDate(d ?? '');
    setPage(0);
  };

  const downloadCalls = () => {
    const header = ['contactId', 'startedAtLocal', 'customerNumberNational', 'exitPoint', 'outcome', 'durationSeconds', 'queueName', 'queueSeconds', 'disconnectReason'] as const;
    downloadText(`switchboard-abandoned-${date}.csv`, toCsv(header, calls.map((c) => header.map((k) => c[k]))));
  };

  const shownDay = dayLabel(dates, date);

  return (
    <section class="flows" aria-labelledby="flows-title">
      <h2 id="flows-title">
        Flow exits <span class="subtitle" data-shown-day={date}>{shownDay}</span>
      </h2>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <DayPicker id="flows-date" date={date} zone={zone} onPick={pick} />
        {datesWithContacts.length > 0 && (
          <span class="field">
            <label for="flows-dates">Dates with contacts</label>
            <select id="flows-dates" value={datesWithContacts.includes(date) ? date : ''} onChange={(e) => pick((e.target as HTMLSelectElement).value || null)}>
              {!datesWithContacts.includes(date) && <option value="">—</option>}
              {datesWithContacts.map((d) => (
                <option key={d} value={d}>
                  {dayLabel(dates, d)}
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
        <HStackChart rows={rows} series={series} loading={funnel.loading} title={`Where callers left the flow on ${shownDay}: contacts by exit point and outcome`} />
        <div class="table-wrap">
          <table class="data" data-table="funnel">
            <caption>Contacts by exit point and outcome on {shownDay} (first contact of each chain)</caption>
            <thead>
              <tr>
                <th scope="col">Exit point</th>
                {series.map((o) => (
                  <th scope="col" key={o.key} class="num" data-outcome={o.key}>
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
                    {series.map((o) => (
                      <td key={o.key} class="num">
                        {formatCount(r.values[o.key] ?? 0)}
                      </td>
                    ))}
                    <td class="num">{formatCount(total)}</td>
                    <td class="num">{grand ? `${((100 * total) / grand).toFixed(1)}%` : ''}</td>
                  </tr>
                );
              })}
              {rows.length === 0 && !funnel.loading && (
                <tr>
                  <td colSpan={series.length + 3} class="empty">
                    No contacts on {shownDay}.
                  </td>
                </tr>
              )}
            </tbody>
            {rows.length > 0 && (
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  {series.map((o) => (
                    <td key={o.key} class="num">
                      {formatCount(outcomeTotals[o.key] ?? 0)}
                    </td>
                  ))}
                  <td class="num">{formatCount(grand)}</td>
                  <td class="num">100%</td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      </div>

      <h3 id="steps-title">Step by step through the menus</h3>
      <StepFunnelTable funnel={steps} series={series} labels={labels} />

      <h3 id="trend-title">Through the day</h3>
      {trend.error && (
        <p class="error" role="alert">
          Could not load the contacts per hour: {trend.error}
        </p>
      )}
      <div aria-busy={trend.loading}>
        <TimeStackChart
          id="flow-trend"
          bars={trendBars}
          series={trendSeries}
          from={dayStart}
          to={dayEnd}
          zone={zone}
          title={`Contacts per hour by outcome, ${shownDay} (${zone})`}
          unit={{ name: 'contacts', minStep: 1, format: (v) => `${formatCount(v)} contacts` }}
          height={220}
          loading={trend.loading}
        />
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
            {formatCount(calls.length)} abandoned calls on {shownDay}, newest first (local time, {zone})
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
                  <time dateTime={c.startedAt}>{dates.dateTime(Date.parse(c.startedAt))}</time>
                </td>
                <td class="phone">{c.customerNumberNational ?? c.customerNumber ?? '—'}</td>
                <td>{c.exitPoint === null ? NO_EXIT : exitPointLabel(c.exitPoint, labels)}</td>
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
                  No abandoned calls on {shownDay}.
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
