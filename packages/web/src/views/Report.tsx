import { MAX_REPORT_PAGE, REPORT_CSV_COLUMNS, REPORT_METRIC_TABLE, reportAgentName, type ReportBucketTotals, type ReportMetricField, type ReportView } from '@switchboard/core/views';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { now } from '../clock.js';
import { formatCount, TimeStackChart, type ChartUnit, type SeriesDef, type TimeBar } from '../components/charts.js';
import { BucketSelect } from '../components/Fields.js';
import { Pager } from '../components/Pager.js';
import { downloadText, toCsv } from '../csv.js';
import { centreDates, centreLocale, dayLabel, type CentreDates } from '../dates.js';
import { useLoad, useProjectionRefresh } from '../hooks.js';
import { addDays, formatHms, isDate, isValidZone, localDate, zonedDayStart, zoneNames } from '../time.js';
import { BUCKETS, type Bucket, type ConfigView, type HealthView, type ReportRow } from '../types.js';
import { useUrlParam } from '../url.js';

const PAGE = 100;

export function bucketOf(minutes: number | undefined): Bucket {
  if (minutes === 30) return '30m';
  if (minutes === 60) return '1h';
  if (minutes === 1440) return '1d';
  return '15m';
}

type NumKey = ReportMetricField;
type Unit = (typeof REPORT_METRIC_TABLE)[number]['unit'];

/** The report's metric columns, as core's metric table declares them. */
const COLUMNS: Array<{ key: NumKey; label: string; unit: Unit }> = REPORT_METRIC_TABLE.map((m) => ({ key: m.field, label: m.label, unit: m.unit }));

function formatCell(unit: Unit, value: number | null): string | number {
  if (value === null) return '';
  if (unit === 'seconds') return formatHms(value);
  return unit === 'ratio' ? `${(value * 100).toFixed(1)}%` : value;
}

/** CSV columns: the JSON field names of a report row, in the API's order (shared with the CLI). */
export const REPORT_CSV_HEADER = REPORT_CSV_COLUMNS;


export function Report({ config, configReady }: { config: ConfigView | undefined; configReady: boolean }) {
  const [zoneParam, setZoneInput] = useUrlParam('tz', '');
  const [bucketParam, setBucket] = useUrlParam<Bucket | ''>('bucket', '', (v) => (BUCKETS as readonly string[]).includes(v));
  const [fromParam, setFrom] = useUrlParam('date', '', isDate);
  const [toParam, setTo] = useUrlParam('to', '', isDate);
  const [agent, setAgent] = useUrlParam('agent', '');
  const [page, setPage] = useState(0);
  const [zones, setZones] = useState<string[]>([]);
  // the day the store last heard of: the report opens there when today has nothing yet
  const health = useLoad(configReady ? 'report-health' : null, (signal) => getJson<HealthView>('/api/health', undefined, signal));
  const healthReady = health.data !== undefined || health.error !== null;

  const zone = zoneParam || config?.timezone || 'UTC';
  const zoneOk = isValidZone(zone);
  const dates = useMemo(() => centreDates(zoneOk ? zone : 'UTC', centreLocale(config?.phoneRegion)), [zone, zoneOk, config?.phoneRegion]);
  const bucket = bucketParam || bucketOf(config?.bucketMinutes);
  const today = localDate(now(), zoneOk ? zone : 'UTC');
  const lastEventAt = health.data?.lastEventAt ? Date.parse(health.data.lastEventAt) : Number.NaN;
  const latest = Number.isFinite(lastEventAt) ? localDate(Math.min(lastEventAt, now()), zoneOk ? zone : 'UTC') : today;
  const fromDate = fromParam || latest;
  const toDate = toParam || fromParam || fromDate;
  const datesOk = isDate(fromDate) && isDate(toDate) && fromDate <= toDate;
  const problem = !zoneOk ? `Unknown time zone “${zone}”.` : !datesOk ? 'The start date must not be after the end date.' : null;

  const from = problem ? 0 : zonedDayStart(fromDate, zone);
  const to = problem ? 0 : zonedDayStart(addDays(toDate, 1), zone);
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const key = configReady && (fromParam || healthReady) && !problem ? `${bucket}|${fromIso}|${toIso}|${zone}` : null;
  // Once the day is known, the link names it: shared, it shows that day.
  const [pinned, setPinned] = useState<string | null>(null);
  useEffect(() => {
    if (fromParam || !configReady || !healthReady) return;
    setPinned(fromDate);
    setFrom(fromDate);
  }, [fromParam, configReady, healthReady]);
  // the server folds the day and sends one page with the agents and the centre's totals (GET /api/report/view)
  const params = { bucket, from: fromIso, to: toIso, tz: zone };
  const report = useLoad(key === null ? null : `${key}|${agent}|${page}`, (signal) =>
    getJson<ReportView>('/api/report/view', { ...params, ...(agent ? { agent } : {}), offset: String(page * PAGE), limit: String(PAGE) }, signal),
  );
  useProjectionRefresh('intervals', report.reload);

  const view = report.data;
  const agents = view?.agents ?? [];
  const rowCount = view?.rowCount ?? 0;
  const pageRows = view?.rows ?? [];
  const totals = view?.totals;
  const chart = useMemo(() => centreChart(view?.buckets ?? [], bucket, agents.length === 1 || agent !== '', dates), [view, bucket, agent, agents.length, dates]);

  const pageCount = Math.max(1, Math.ceil(rowCount / PAGE));
  const safePage = Math.min(page, pageCount - 1);
  const agentLabel = agent ? (agents.find((a) => a.agentArn === agent)?.name ?? agent) : 'all agents';

  // every row of the range, asked for when wanted and in pages: a centre's day is tens of
  // megabytes, more than one response of the API in AWS may carry (6 MB)
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const rows: ReportRow[] = [];
      for (let total = 1; rows.length < total; ) {
        const part = await getJson<ReportView>('/api/report/view', { ...params, ...(agent ? { agent } : {}), offset: String(rows.length), limit: String(MAX_REPORT_PAGE) });
        if (part.rows.length === 0) break;
        rows.push(...part.rows);
        total = part.rowCount;
      }
      const csv = toCsv(
        REPORT_CSV_HEADER,
        rows.map((r) => REPORT_CSV_HEADER.map((k) => r[k])),
      );
      const who = agent ? `-${agentLabel.replace(/[^\w.-]+/g, '_')}` : '';
      downloadText(`switchboard-report-${bucket}-${fromDate}_${toDate}${who}.csv`, csv);
    } catch (e) {
      setDownloadError((e as Error).message);
    } finally {
      setDownloading(false);
    }
  };

  const bucketTitle = (r: ReportRow) => (bucket === '1d' ? dates.date(Date.parse(r.bucketStart)) : dates.dateHourMinute(Date.parse(r.bucketStart)));
  const reset = () => setPage(0);
  const shown = fromDate === toDate ? dayLabel(dates, fromDate) : `${dayLabel(dates, fromDate)} to ${dayLabel(dates, toDate)}`;
  const why = toDate !== fromDate ? '' : fromDate === today ? ' (today)' : fromDate === pinned ? ` (the latest day with data; nothing yet today, ${dayLabel(dates, today)})` : '';

  return (
    <section class="report" aria-labelledby="report-title">
      <h2 id="report-title">
        Interval report{' '}
        <span class="subtitle" data-shown-day={fromDate === toDate ? fromDate : `${fromDate}/${toDate}`}>
          {shown}
        </span>
      </h2>
      {!problem && (
        <p class="shown-day muted">
          Showing {shown} in {zone}
          {why}.
        </p>
      )}
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <BucketSelect
          id="report-bucket"
          bucket={bucket}
          onChange={(b) => {
            setBucket(b);
            reset();
          }}
        />
        <span class="field">
          <label for="report-zone">Time zone</label>
          <input
            id="report-zone"
            list="tz-names"
            value={zone}
            size={18}
            aria-invalid={!zoneOk}
            onFocus={() => zones.length === 0 && setZones(zoneNames())}
            onChange={(e) => {
              setZoneInput((e.target as HTMLInputElement).value.trim());
              reset();
            }}
          />
          <datalist id="tz-names">{zones.map((z) => <option key={z} value={z} />)}</datalist>
        </span>
        <span class="field">
          <label for="report-from">From</label>
          <input
            id="report-from"
            type="date"
            value={fromDate}
            onChange={(e) => {
              setFrom((e.target as HTMLInputElement).value);
              reset();
            }}
          />
        </span>
        <span class="field">
          <label for="report-to">To</label>
          <input
            id="report-to"
            type="date"
            value={toDate}
            onChange={(e) => {
              setTo((e.target as HTMLInputElement).value);
              reset();
            }}
          />
        </span>
        <span class="quick" role="group" aria-label="Quick ranges">
          <button type="button" onClick={() => { setFrom(today); setTo(today); reset(); }}>Today</button>
          <button type="button" onClick={() => { const y = addDays(today, -1); setFrom(y); setTo(y); reset(); }}>Yesterday</button>
          <button type="button" onClick={() => { setFrom(addDays(today, -6)); setTo(today); reset(); }}>Last 7 days</button>
        </span>
        <span class="field">
          <label for="report-agent">Agent</label>
          <select
            id="report-agent"
            value={agent}
            onChange={(e) => {
              setAgent((e.target as HTMLSelectElement).value);
              reset();
            }}
          >
            <option value="">All agents ({agents.length})</option>
            {agents.map((a) => (
              <option key={a.agentArn} value={a.agentArn}>
                {a.name}
              </option>
            ))}
          </select>
        </span>
        <button type="button" class="primary" onClick={() => void download()} disabled={rowCount === 0 || downloading} data-action="csv">
          Download CSV
        </button>
      </form>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {report.error && (
        <p class="error" role="alert">
          Could not load the report: {report.error}
        </p>
      )}
      {downloadError && (
        <p class="error" role="alert">
          Could not download the report: {downloadError}
        </p>
      )}
      <div aria-busy={report.loading}>
        <TimeStackChart
          bars={chart.bars}
          series={CENTRE_SERIES}
          unit={chart.unit}
          from={from}
          to={to}
          zone={zoneOk ? zone : 'UTC'}
          loading={report.loading}
          title={`${chart.unit.name === 'agents' ? 'Agents' : `${chart.unit.name[0]!.toUpperCase()}${chart.unit.name.slice(1)}`} per ${bucket} interval, ${agentLabel}, ${shown} (${zone})`}
        />
        <div class="table-wrap">
          <table class="data" data-table="report">
            <caption>
              Interval report rows ({rowCount.toLocaleString()}), times as h:mm:ss
              {report.loading ? ' — loading…' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Bucket start</th>
                {COLUMNS.map((c) => (
                  <th scope="col" key={c.key} class="num">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {pageRows.map((r) => (
                <tr key={`${r.agentArn}|${r.bucketStart}`}>
                  <th scope="row">{reportAgentName(r)}</th>
                  <td>
                    <time dateTime={r.bucketStart}>{bucketTitle(r)}</time>
                  </td>
                  {COLUMNS.map((c) => (
                    <td key={c.key} class="num">
                      {formatCell(c.unit, r[c.key])}
                    </td>
                  ))}
                </tr>
              ))}
              {rowCount === 0 && !report.loading && (
                <tr>
                  <td colSpan={COLUMNS.length + 2} class="empty">
                    No report rows in this range.
                  </td>
                </tr>
              )}
            </tbody>
            {rowCount > 0 && totals && (
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  {COLUMNS.map((c) => (
                    <td key={c.key} class="num">
                      {formatCell(c.unit, totals[c.key])}
                    </td>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
        <Pager page={safePage} pageSize={PAGE} total={rowCount} onPage={setPage} label="Report" />
      </div>
    </section>
  );
}

/** The centre's time per interval: the stack is the time online, split as Connect splits it. */
const CENTRE_SERIES: SeriesDef[] = [
  { key: 'onContactSeconds', label: 'On contact (incl. after-contact work)', colour: '#2563eb' },
  { key: 'idleSeconds', label: 'Idle (available, no contact)', colour: '#16a34a' },
  { key: 'nonProductiveSeconds', label: 'In a custom status (break, lunch…)', colour: '#be185d' },
  { key: 'onlineSeconds', label: 'Online', colour: '#0f1b2d', mark: true },
];

/**
 * Bars of the centre's totals per bucket (summed by the server), in a unit
 * that reads naturally: agents (time / the bucket's elapsed length) for
 * buckets within a day, minutes for a single agent, hours for daily buckets.
 */
function centreChart(buckets: readonly ReportBucketTotals[], bucket: Bucket, oneAgent: boolean, dates: CentreDates): { bars: TimeBar[]; unit: ChartUnit } {
  const perAgent = bucket !== '1d' && !oneAgent;
  const unit: ChartUnit = perAgent
    ? { name: 'agents', format: (v) => `${formatCount(v)} agents` }
    : bucket === '1d'
      ? { name: 'hours', format: (v) => `${formatCount(v)} h` }
      : { name: 'minutes', format: (v) => `${formatCount(v)} min` };
  const t = now();
  const bars = buckets.map((b): TimeBar => {
    const start = Date.parse(b.bucketStart);
    const end = Date.parse(b.bucketEnd);
    // A bucket still going on counts up to now: its average is over the time elapsed, and never
    // less than one agent's time online in it (the browser's clock may be behind the data's).
    const elapsed = Math.max(1, Math.min(end, t) - start, b.longestOnlineSeconds * 1000);
    const divisor = perAgent ? Math.min(elapsed, end - start) / 1000 : bucket === '1d' ? 3600 : 60;
    const values: Record<string, number> = {};
    for (const s of CENTRE_SERIES) values[s.key] = b[s.key as keyof typeof b] as number / divisor;
    return { start, end, label: bucket === '1d' ? dates.date(start) : `${dates.hourMinute(start)}–${dates.hourMinute(end)}`, values };
  });
  return { bars, unit };
}
