import { REPORT_CSV_COLUMNS, REPORT_METRIC_TABLE, type ReportMetricField } from '@switchboard/core/views';
import { useMemo, useState } from 'preact/hooks';
import { activityColour, activityLabel, sortActivities } from '../activity.js';
import { getJson } from '../api.js';
import { now } from '../clock.js';
import { TimeStackChart, type TimeBar } from '../components/charts.js';
import { Pager } from '../components/Pager.js';
import { downloadText, toCsv } from '../csv.js';
import { useLoad, useProjectionRefresh } from '../hooks.js';
import { addDays, formatHms, isDate, isValidZone, localDate, wallTime, zonedDayStart, zoneNames } from '../time.js';
import { BUCKETS, type Bucket, type ConfigView, type ReportRow } from '../types.js';

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
  const [zoneInput, setZoneInput] = useState<string | null>(null);
  const [bucketInput, setBucket] = useState<Bucket | null>(null);
  const [fromInput, setFrom] = useState<string | null>(null);
  const [toInput, setTo] = useState<string | null>(null);
  const [agent, setAgent] = useState('');
  const [page, setPage] = useState(0);
  const [zones, setZones] = useState<string[]>([]);

  const zone = zoneInput ?? config?.timezone ?? 'UTC';
  const zoneOk = isValidZone(zone);
  const bucket = bucketInput ?? bucketOf(config?.bucketMinutes);
  const today = localDate(now(), zoneOk ? zone : 'UTC');
  const fromDate = fromInput ?? today;
  const toDate = toInput ?? fromInput ?? today;
  const datesOk = isDate(fromDate) && isDate(toDate) && fromDate <= toDate;
  const problem = !zoneOk ? `Unknown time zone “${zone}”.` : !datesOk ? 'The start date must not be after the end date.' : null;

  const from = problem ? 0 : zonedDayStart(fromDate, zone);
  const to = problem ? 0 : zonedDayStart(addDays(toDate, 1), zone);
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const key = configReady && !problem ? `${bucket}|${fromIso}|${toIso}|${zone}` : null;
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

  const { bars, series } = useMemo(() => {
    const byBucket = new Map<number, TimeBar>();
    const names = new Set<string>();
    for (const r of visible) {
      const s = Date.parse(r.bucketStart);
      let b = byBucket.get(s);
      if (!b) {
        b = { start: s, end: Date.parse(r.bucketEnd), label: `${wallTime(r.bucketStart)}–${wallTime(r.bucketEnd).slice(11) || wallTime(r.bucketEnd)}`, values: {} };
        byBucket.set(s, b);
      }
      for (const [name, sec] of Object.entries(r.activitySeconds ?? {})) {
        if (!(sec > 0)) continue;
        names.add(name);
        b.values[name] = (b.values[name] ?? 0) + sec;
      }
    }
    return {
      bars: [...byBucket.values()].sort((a, b) => a.start - b.start),
      series: sortActivities(names).map((n) => ({ key: n, label: activityLabel(n), colour: activityColour(n) })),
    };
  }, [visible]);

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

  const bucketTitle = (r: ReportRow) => (bucket === '1d' ? r.bucketStart.slice(0, 10) : wallTime(r.bucketStart));
  const reset = () => setPage(0);

  return (
    <section class="report" aria-labelledby="report-title">
      <h2 id="report-title">Interval report</h2>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <span class="field">
          <label for="report-bucket">Bucket</label>
          <select
            id="report-bucket"
            value={bucket}
            onChange={(e) => {
              setBucket((e.target as HTMLSelectElement).value as Bucket);
              reset();
            }}
          >
            {BUCKETS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </span>
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
              setFrom((e.target as HTMLInputElement).value || null);
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
              setTo((e.target as HTMLInputElement).value || null);
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
          bars={bars}
          series={series}
          from={from}
          to={to}
          zone={zoneOk ? zone : 'UTC'}
          title={`Time in activity per ${bucket} bucket, ${agentLabel}, ${fromDate === toDate ? fromDate : `${fromDate} to ${toDate}`} (${zone})`}
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
