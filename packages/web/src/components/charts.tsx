/** Hand-made SVG charts: a stacked time-bucket chart and a horizontal stacked bar chart. */
import { addDays, localDate, localTime, zonedDayStart } from '../time.js';

export interface SeriesDef {
  key: string;
  label: string;
  colour: string;
  /** drawn as a mark at its value over each bar instead of stacked (a total such as "online") */
  mark?: boolean;
}

/** What the values of a time chart count, and how to write them. */
export interface ChartUnit {
  /** "agents", "hours", "contacts": the axis title */
  name: string;
  /** a value with its unit, for tooltips: "12.5 agents" */
  format(v: number): string;
  /** the smallest step between two axis ticks (1 for whole contacts) */
  minStep?: number;
}

const round = (v: number) => (Math.abs(v) >= 10 ? Math.round(v) : Math.round(v * 10) / 10);

/** A count, to one decimal below 10: 12, 3.4. */
export const formatCount = (v: number): string => round(v).toLocaleString('en-US');

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function Legend({ series }: { series: SeriesDef[] }) {
  return (
    <ul class="legend">
      {series.map((s) => (
        <li key={s.key} data-series={s.key}>
          <span class={`swatch${s.mark ? ' mark' : ''}`} style={{ background: s.colour }} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

export interface TimeBar {
  start: number;
  end: number;
  label: string;
  values: Record<string, number>;
}

const W = 960;

/** x ticks: local midnights for long ranges, every N hours otherwise. */
function timeTicks(from: number, to: number, zone: string): Array<{ t: number; label: string }> {
  const span = to - from;
  const days = span / 86_400_000;
  const ticks: Array<{ t: number; label: string }> = [];
  if (days > 1.5) {
    const every = days <= 10 ? 1 : days <= 31 ? 7 : 30;
    let d = localDate(from, zone);
    for (let i = 0; i < 400; i++) {
      const t = zonedDayStart(d, zone);
      if (t >= to) break;
      if (t >= from && i % every === 0) ticks.push({ t, label: d.slice(5) });
      d = addDays(d, 1);
    }
    return ticks;
  }
  const hours = span / 3_600_000;
  const step = [1, 2, 3, 4, 6, 12].find((h) => hours / h <= 12) ?? 24;
  const first = Math.ceil(from / 3_600_000) * 3_600_000;
  for (let t = first; t < to; t += 3_600_000) {
    const label = localTime(t, zone);
    const hour = Number(label.slice(0, 2));
    if (label.endsWith(':00') && hour % step === 0) ticks.push({ t, label });
  }
  return ticks;
}

/**
 * Stacked bars over time, one per bucket, in the unit the caller chose
 * (values already in that unit); `mark` series are drawn as a line at their
 * value across each bar.
 */
export function TimeStackChart(props: {
  bars: TimeBar[];
  series: SeriesDef[];
  from: number;
  to: number;
  zone: string;
  title: string;
  unit: ChartUnit;
  height?: number;
  /** data-chart attribute (tests and styles) */
  id?: string;
  /** the data is on its way: an empty chart says so instead of "no data" */
  loading?: boolean;
}) {
  const { bars, series, from, to, zone, title, unit } = props;
  const H = props.height ?? 280;
  const m = { l: 58, r: 12, t: 22, b: 30 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const stacked = series.filter((s) => !s.mark);
  const marks = series.filter((s) => s.mark);
  let max = 0;
  for (const b of bars) {
    let s = 0;
    for (const k of stacked) s += b.values[k.key] ?? 0;
    max = Math.max(max, s, ...marks.map((k) => b.values[k.key] ?? 0));
  }
  max = Math.round(max * 1e6) / 1e6; // sums of fractions: 1000.0000000001 is 1,000
  const step = Math.max(unit.minStep ?? 0, niceStep(max / 4));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number) => m.t + ih - (v / top) * ih;
  const span = Math.max(1, to - from);
  const x = (t: number) => m.l + ((t - from) / span) * iw;
  const yTicks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) yTicks.push(v);
  const xTicks = timeTicks(from, to, zone);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${bars.length} buckets, up to ${unit.format(max)}`} data-chart={props.id ?? 'report'}>
        <text x={m.l - 6} y={12} text-anchor="end" class="unit">
          {unit.name}
        </text>
        <g class="grid">
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={m.l} x2={W - m.r} y1={y(v)} y2={y(v)} />
              <text x={m.l - 6} y={y(v) + 4} text-anchor="end">
                {formatCount(v)}
              </text>
            </g>
          ))}
        </g>
        <g class="axis">
          {xTicks.map(({ t, label }) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={m.t + ih} y2={m.t + ih + 4} />
              <text x={x(t)} y={H - 10} text-anchor="middle">
                {label}
              </text>
            </g>
          ))}
          <line x1={m.l} x2={W - m.r} y1={m.t + ih} y2={m.t + ih} />
        </g>
        <g class="bars">
          {bars.map((b) => {
            const x0 = x(Math.max(b.start, from));
            const bw = Math.max(1, x(Math.min(b.end, to)) - x0 - (iw / span) * (b.end - b.start) * 0.12);
            const summary = series
              .filter((s) => (b.values[s.key] ?? 0) > 0)
              .map((s) => `${s.label}: ${unit.format(b.values[s.key]!)}`)
              .join(' · ');
            let acc = 0;
            return (
              <g key={b.start} data-bucket={b.label}>
                <title>{`${b.label} · ${summary}`}</title>
                {stacked.map((s) => {
                  const v = b.values[s.key] ?? 0;
                  if (v <= 0) return null;
                  const y0 = y(acc);
                  acc += v;
                  const y1 = y(acc);
                  return <rect key={s.key} x={x0} y={y1} width={bw} height={Math.max(0.5, y0 - y1)} fill={s.colour} data-series={s.key} data-value={v} />;
                })}
                {marks.map((s) => {
                  const v = b.values[s.key];
                  if (v === undefined || v <= 0) return null;
                  return <line key={s.key} class="mark" x1={x0 - 1} x2={x0 + bw + 1} y1={y(v)} y2={y(v)} stroke={s.colour} data-series={s.key} data-value={v} />;
                })}
              </g>
            );
          })}
        </g>
        {bars.length === 0 && (
          <text x={W / 2} y={H / 2} text-anchor="middle" class="nodata">
            {props.loading ? 'Loading…' : 'No data in this range'}
          </text>
        )}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

export interface HBarRow {
  key: string;
  label: string;
  values: Record<string, number>;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function HStackChart(props: { rows: HBarRow[]; series: SeriesDef[]; title: string; loading?: boolean }) {
  const { rows, series, title } = props;
  const rowH = 26;
  const m = { l: 270, r: 60, t: 8, b: 8 };
  const H = Math.max(60, m.t + m.b + rows.length * rowH);
  const iw = W - m.l - m.r;
  const totals = rows.map((r) => series.reduce((s, k) => s + (r.values[k.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${rows.length} rows`} data-chart="funnel">
        {rows.map((r, i) => {
          const yy = m.t + i * rowH;
          let acc = 0;
          return (
            <g key={r.key} data-row={r.key}>
              <text x={m.l - 8} y={yy + rowH / 2 + 4} text-anchor="end" class="rowlabel">
                <title>{r.label}</title>
                {clip(r.label, 40)}
              </text>
              {series.map((s) => {
                const v = r.values[s.key] ?? 0;
                if (v <= 0) return null;
                const x0 = m.l + (acc / max) * iw;
                acc += v;
                const w = (v / max) * iw;
                return (
                  <rect key={s.key} x={x0} y={yy + 4} width={Math.max(0.5, w)} height={rowH - 8} fill={s.colour} data-series={s.key}>
                    <title>{`${r.label} · ${s.label}: ${v}`}</title>
                  </rect>
                );
              })}
              <text x={m.l + ((totals[i] ?? 0) / max) * iw + 6} y={yy + rowH / 2 + 4} class="value">
                {formatCount(totals[i] ?? 0)}
              </text>
            </g>
          );
        })}
        {rows.length === 0 && (
          <text x={W / 2} y={H / 2 + 4} text-anchor="middle" class="nodata">
            {props.loading ? 'Loading…' : 'No contacts on this date'}
          </text>
        )}
      </svg>
      <Legend series={series} />
    </figure>
  );
}
