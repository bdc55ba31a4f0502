import { useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { now } from '../clock.js';
import { BucketSelect, DayPicker } from '../components/Fields.js';
import { useCentreDates } from '../dates.js';
import { useLoad, useProjectionRefresh } from '../hooks.js';
import { percent, queueLabel } from '../queues.js';
import { addDays, formatDuration, isValidZone, localDate, localTime, zonedDayStart } from '../time.js';
import { type Bucket, type ConfigView, type QueueIntervalView } from '../types.js';
import { bucketOf } from './Report.js';

const ALL = '';
const rowKey = (r: QueueIntervalView) => r.queueArn ?? `${r.instanceArn}|${r.queueName}`;

/** One bucket of the chart: the selected queues' contacts added up. */
interface Point {
  start: number;
  end: number;
  label: string;
  queued: number;
  abandoned: number;
  /** service level within the first threshold, over the contacts queued in the bucket */
  serviceLevel: number | null;
}

/** Queue intervals of a day: a chart of volume and service level through the day, and the interval table. */
export function Queues({ config, configReady }: { config: ConfigView | undefined; configReady: boolean }) {
  const zone = config?.timezone && isValidZone(config.timezone) ? config.timezone : 'UTC';
  const dates = useCentreDates(zone, config?.phoneRegion);
  const [dateInput, setDate] = useState<string | null>(null);
  const [bucketInput, setBucket] = useState<Bucket | null>(null);
  const [queue, setQueue] = useState(ALL);
  const bucket = bucketInput ?? (config?.bucketMinutes === 1440 ? '1h' : bucketOf(config?.bucketMinutes));
  const date = dateInput ?? localDate(now(), zone);
  const from = zonedDayStart(date, zone);
  const to = zonedDayStart(addDays(date, 1), zone);
  const rows = useLoad(configReady ? `queues|${from}|${bucket}` : null, (signal) =>
    getJson<QueueIntervalView[]>('/api/queues', { from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket }, signal),
  );
  useProjectionRefresh('queueContacts', rows.reload);

  const queues = useMemo(() => {
    const byKey = new Map<string, string>();
    for (const r of rows.data ?? []) byKey.set(rowKey(r), queueLabel(r));
    return [...byKey].sort((a, b) => a[1].localeCompare(b[1]));
  }, [rows.data]);
  const shown = useMemo(() => (rows.data ?? []).filter((r) => queue === ALL || rowKey(r) === queue), [rows.data, queue]);
  const thresholds = useMemo(() => [...new Set(shown.flatMap((r) => Object.keys(r.serviceLevel)))].sort((a, b) => Number(a) - Number(b)), [shown]);
  const first = thresholds[0];

  const points = useMemo(() => {
    const byStart = new Map<number, Point & { within: number; decided: number }>();
    for (const r of shown) {
      const start = Date.parse(r.bucketStart);
      let p = byStart.get(start);
      if (!p) {
        p = { start, end: Date.parse(r.bucketEnd), label: dates.dateHourMinute(start), queued: 0, abandoned: 0, serviceLevel: null, within: 0, decided: 0 };
        byStart.set(start, p);
      }
      p.queued += r.contactsQueued;
      p.abandoned += r.contactsAbandoned;
      const level = first === undefined ? null : r.serviceLevel[first];
      if (level !== null && level !== undefined) {
        p.within += level * r.contactsQueued;
        p.decided += r.contactsQueued;
      }
    }
    return [...byStart.values()].sort((a, b) => a.start - b.start).map((p) => ({ ...p, serviceLevel: p.decided === 0 ? null : p.within / p.decided }));
  }, [shown, first, dates]);

  return (
    <section class="queues" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <form class="toolbar" onSubmit={(e) => e.preventDefault()}>
        <DayPicker id="queues-date" date={date} zone={zone} onPick={setDate} />
        <BucketSelect id="queues-bucket" bucket={bucket} onChange={setBucket} />
        <span class="field">
          <label for="queues-queue">Queue</label>
          <select id="queues-queue" value={queue} onChange={(e) => setQueue((e.target as HTMLSelectElement).value)}>
            <option value={ALL}>All queues</option>
            {queue !== ALL && !queues.some(([key]) => key === queue) && <option value={queue}>{queue.split(/[/|]/).pop()}</option>}
            {queues.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </span>
      </form>
      {rows.error && (
        <p class="error" role="alert">
          Could not load the queue intervals: {rows.error}
        </p>
      )}
      <div aria-busy={rows.loading}>
        <QueueChart points={points} from={from} to={to} zone={zone} threshold={first} title={`Contacts queued and service level${first ? ` within ${first} s` : ''} on ${date}, by bucket where contacts disconnected`} />
        <div class="table-wrap">
          <table class="data" data-table="queues">
            <caption>
              {shown.length.toLocaleString()} queue intervals on {date} ({zone}); Connect's definitions, counted in the bucket where the contact disconnected
            </caption>
            <thead>
              <tr>
                <th scope="col">Bucket</th>
                <th scope="col">Queue</th>
                <th scope="col">Channel</th>
                <th scope="col" class="num">Queued</th>
                <th scope="col" class="num">Handled</th>
                <th scope="col" class="num">Abandoned</th>
                <th scope="col" class="num">Abandonment</th>
                {thresholds.map((t) => (
                  <th scope="col" class="num" key={t}>
                    SL {t}s
                  </th>
                ))}
                <th scope="col" class="num">Avg answer</th>
                <th scope="col" class="num">Avg handle</th>
                <th scope="col" class="num">Avg hold</th>
                <th scope="col" class="num">Avg ACW</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={`${r.bucketStart}|${rowKey(r)}|${r.channel}`} data-queue={queueLabel(r)}>
                  <td>
                    <time dateTime={r.bucketStart}>{dates.dateHourMinute(Date.parse(r.bucketStart))}</time>
                  </td>
                  <td>{queueLabel(r)}</td>
                  <td>{r.channel ?? '—'}</td>
                  <td class="num">{r.contactsQueued}</td>
                  <td class="num">{r.contactsHandled}</td>
                  <td class="num">{r.contactsAbandoned}</td>
                  <td class="num">{percent(r.abandonmentRate)}</td>
                  {thresholds.map((t) => (
                    <td class="num" key={t}>
                      {percent(r.serviceLevel[t])}
                    </td>
                  ))}
                  <td class="num">{seconds(r.avgQueueAnswerSeconds)}</td>
                  <td class="num">{seconds(r.avgHandleSeconds)}</td>
                  <td class="num">{seconds(r.avgHoldSeconds)}</td>
                  <td class="num">{seconds(r.avgAfterContactWorkSeconds)}</td>
                </tr>
              ))}
              {shown.length === 0 && !rows.loading && (
                <tr>
                  <td colSpan={11 + thresholds.length} class="empty">
                    No contacts left a queue on {date}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

const seconds = (v: number | null) => (v === null ? '—' : formatDuration(v));

const W = 960;

/** Bars: contacts queued per bucket (abandoned ones in amber); line: service level (right axis, 0-100 %). */
function QueueChart({ points, from, to, zone, threshold, title }: { points: Point[]; from: number; to: number; zone: string; threshold: string | undefined; title: string }) {
  const H = 260;
  const m = { l: 48, r: 48, t: 12, b: 30 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const max = Math.max(4, ...points.map((p) => p.queued));
  const x = (t: number) => m.l + ((t - from) / Math.max(1, to - from)) * iw;
  const yCount = (n: number) => m.t + ih - (n / max) * ih;
  const ySl = (f: number) => m.t + ih - f * ih;
  const hours = Array.from({ length: 25 }, (_, h) => from + h * 3_600_000).filter((t) => t < to && Number(localTime(t, zone).slice(0, 2)) % 3 === 0);
  const line = points.filter((p) => p.serviceLevel !== null).map((p) => `${x((p.start + p.end) / 2)},${ySl(p.serviceLevel!)}`);
  return (
    <figure class="chart queue-chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${points.length} buckets, up to ${Math.max(0, ...points.map((p) => p.queued))} contacts per bucket`} data-chart="queues">
        <g class="grid">
          {[0, 0.25, 0.5, 0.75, 1].map((f) => (
            <g key={f}>
              <line x1={m.l} x2={W - m.r} y1={ySl(f)} y2={ySl(f)} />
              <text x={m.l - 6} y={ySl(f) + 4} text-anchor="end">
                {Math.round(f * max)}
              </text>
              <text x={W - m.r + 6} y={ySl(f) + 4}>
                {f * 100}%
              </text>
            </g>
          ))}
        </g>
        <g class="axis">
          {hours.map((t) => (
            <text key={t} x={x(t)} y={H - 10} text-anchor="middle">
              {localTime(t, zone)}
            </text>
          ))}
        </g>
        <g class="bars">
          {points.map((p) => {
            const x0 = x(p.start);
            const bw = Math.max(1, (x(p.end) - x0) * 0.85);
            return (
              <g key={p.start} data-bucket={p.label}>
                <rect class="volume" x={x0} y={yCount(p.queued)} width={bw} height={Math.max(0.5, ySl(0) - yCount(p.queued))} data-series="queued">
                  <title>{`${p.label} · queued ${p.queued}`}</title>
                </rect>
                {p.abandoned > 0 && (
                  <rect class="abandoned" x={x0} y={yCount(p.abandoned)} width={bw} height={ySl(0) - yCount(p.abandoned)} data-series="abandoned">
                    <title>{`${p.label} · abandoned ${p.abandoned}`}</title>
                  </rect>
                )}
              </g>
            );
          })}
        </g>
        {line.length > 0 && <polyline class="sl" points={line.join(' ')} data-series="service-level" />}
        {points
          .filter((p) => p.serviceLevel !== null)
          .map((p) => (
            <circle key={p.start} class="sl-dot" cx={x((p.start + p.end) / 2)} cy={ySl(p.serviceLevel!)} r={3}>
              <title>{`${p.label} · service level${threshold ? ` ${threshold} s` : ''} ${percent(p.serviceLevel)}`}</title>
            </circle>
          ))}
        {points.length === 0 && (
          <text x={W / 2} y={H / 2} text-anchor="middle" class="nodata">
            No data on this day
          </text>
        )}
      </svg>
      <ul class="legend">
        <li>
          <span class="swatch" style={{ background: '#93c5fd' }} aria-hidden="true" />
          Contacts queued
        </li>
        <li>
          <span class="swatch" style={{ background: '#f59e0b' }} aria-hidden="true" />
          Abandoned
        </li>
        <li>
          <span class="swatch" style={{ background: '#16a34a' }} aria-hidden="true" />
          Service level{threshold ? ` (${threshold} s)` : ''}
        </li>
      </ul>
    </figure>
  );
}
