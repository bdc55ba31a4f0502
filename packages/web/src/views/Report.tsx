import { REPORT_CSV_COLUMNS, REPORT_METRIC_TABLE, type ReportMetricField } from '@switchboard/core/views';
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

/** A ratio's total is worked out from the totals of the fields it divides, not summed. */
const RATIOS = new Map(
  REPORT_METRIC_TABLE.flatMap((m) => ('ratio' in m.source ? [[m.field, m.source.ratio] as const] : [])),
);

function formatCell(unit: Unit, value: number | null): string | number {
  if (value === null) return '';
  if (unit === 'seconds') return formatHms(value);
  return unit === 'ratio' ? `${(value * 100).toFixed(1)}%` : value;
}

/** CSV columns: the JSON field names of a report row, in the API's order (shared with the CLI). */
export const REPORT_CSV_HEADER = REPORT_CSV_COLUMNS;

const agentName = (r: ReportRow) => r.username ?? r.agentArn.split('/').pop() ?? r.agentArn;

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
  const report = useLoad(key, (signal) => getJson<ReportRow[]>('/api/report', { bucket, from: fromIso, to: toIso, tz: zone }, signal));
  useProjectionRefresh('intervals', report.reload);

  const rows = report.data ?? [];
  const agents = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of rows) m.set(r.agentArn, agentName(r));
    return [...m].sort((a, b) => a[1].localeCompare(b[1], undefined, { numeric: true }));
  }, [rows]);

  const visible = useMemo(() => {
    const list = agent ? rows.filter((r) => r.agentArn === agent) : [...rows];
    list.sort(
      (a, b) =>
        agentName(a).localeCompare(agentName(b), undefined, { numeric: true }) ||
        a.agentArn.localeCompare(b.agentArn) ||
        Date.parse(a.bucketStart) - Date.parse(b.bucketStart),
    );
    return list;
  }, [rows, agent]);

  const chart = useMemo(() => centreChart(visible, bucket, agents.length === 1 || agent !== '', dates), [visible, bucket, agent, agents.length, dates]);

  const totals = useMemo(() => {
    const t = Object.fromEntries(COLUMNS.map((c) => [c.key, 0])) as Record<NumKey, number | null>;
    for (const r of visible) for (const c of COLUMNS) t[c.key] = (t[c.key] ?? 0) + (Number(r[c.key]) || 0);
    for (const [field, { numerator, denominator }] of RATIOS) {
      const over = denominator.reduce((sum, f) => sum + (t[f as NumKey] ?? 0), 0);
      t[field] = over === 0 ? null : (t[numerator as NumKey] ?? 0) / over;
    }
    return t;
  }, [visible]);

  const pageCount = Math.max(1, Math.ceil(visible.length / PAGE));
  const safePage = Math.min(page, pageCount - 1);
  const pageRows = visible.slice(safePage * PAGE, safePage * PAGE + PAGE);
  const agentLabel = agent ? (agents.find(([a]) => a === agent)?.[1] ?? agent) : 'all agents';

  const download = () => {
    const csv = toCsv(
      REPORT_CSV_HEADER,
      visible.map((r) => REPORT_CSV_HEADER.map((k) => r[k])),
    );
    const who = agent ? `-${agentLabel.replace(/[^\w.-]+/g, '_')}` : '';
    downloadText(`switchboard-report-${bucket}-${fromDate}_${toDate}${who}.csv`, csv);
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
            {agents.map(([arn, name]) => (
              <option key={arn} value={arn}>
                {name}
              </option>
            ))}
          </select>
        </span>
        <button type="button" class="primary" onClick={download} disabled={visible.length === 0} data-action="csv">
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
              Interval report rows ({visible.length.toLocaleString()}), times as h:mm:ss
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
                  <th scope="row">{agentName(r)}</th>
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
              {visible.length === 0 && !report.loading && (
                <tr>
                  <td colSpan={COLUMNS.length + 2} class="empty">
                    No report rows in this range.
                  </td>
                </tr>
              )}
            </tbody>
            {visible.length > 0 && (
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
        <Pager page={safePage} pageSize={PAGE} total={visible.length} onPage={setPage} label="Report" />
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
 * Bars of the centre's totals per bucket, in a unit that reads naturally:
 * agents (time / the bucket's elapsed length) for buckets within a day,
 * minutes for a single agent, hours for daily buckets.
 */
function centreChart(rows: readonly ReportRow[], bucket: Bucket, oneAgent: boolean, dates: CentreDates): { bars: TimeBar[]; unit: ChartUnit } {
  const byBucket = new Map<number, TimeBar>();
  // the longest any one agent was online in each bucket: no less time than that has passed in it
  const longestOnline = new Map<number, number>();
  for (const r of rows) {
    const start = Date.parse(r.bucketStart);
    let b = byBucket.get(start);
    if (!b) {
      const end = Date.parse(r.bucketEnd);
      b = { start, end, label: bucket === '1d' ? dates.date(start) : `${dates.hourMinute(start)}–${dates.hourMinute(end)}`, values: {} };
      byBucket.set(start, b);
    }
    for (const s of CENTRE_SERIES) b.values[s.key] = (b.values[s.key] ?? 0) + (Number(r[s.key as keyof ReportRow]) || 0);
    longestOnline.set(start, Math.max(longestOnline.get(start) ?? 0, r.onlineSeconds));
  }
  const bars = [...byBucket.values()].sort((a, b) => a.start - b.start);
  const perAgent = bucket !== '1d' && !oneAgent;
  const unit: ChartUnit = perAgent
    ? { name: 'agents', format: (v) => `${formatCount(v)} agents` }
    : bucket === '1d'
      ? { name: 'hours', format: (v) => `${formatCount(v)} h` }
      : { name: 'minutes', format: (v) => `${formatCount(v)} min` };
  const t = now();
  for (const b of bars) {
    // A bucket still going on counts up to now: its average is over the time elapsed, and never
    // less than one agent's time online in it (the browser's clock may be behind the data's).
    const elapsed = Math.max(1, Math.min(b.end, t) - b.start, (longestOnline.get(b.start) ?? 0) * 1000);
    const divisor = perAgent ? Math.min(elapsed, b.end - b.start) / 1000 : bucket === '1d' ? 3600 : 60;
    for (const k of Object.keys(b.values)) b.values[k] = b.values[k]! / divisor;
  }
  return { bars, unit };
}
