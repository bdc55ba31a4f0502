/** Hand-made SVG charts: a stacked time-bucket chart and a horizontal stacked bar chart. */
import { addDays, formatDuration, localDate, localTime, zonedDayStart } from '../time.js';

export interface SeriesDef {
  key: string;
  label: string;
  colour: string;
}

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
        <li key={s.key}>
          <span class="swatch" style={{ background: s.colour }} aria-hidden="true" />
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

export function TimeStackChart(props: {
  bars: TimeBar[];
  series: SeriesDef[];
  from: number;
  to: number;
  zone: string;
  title: string;
  height?: number;
}) {
  const { bars, series, from, to, zone, title } = props;
  const H = props.height ?? 280;
  const m = { l: 58, r: 12, t: 12, b: 30 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  let max = 0;
  for (const b of bars) {
    let s = 0;
    for (const k of series) s += b.values[k.key] ?? 0;
    max = Math.max(max, s);
  }
  const hoursUnit = max >= 3 * 3600;
  const unit = hoursUnit ? 3600 : 60;
  const step = niceStep(max / unit / 4);
  const top = Math.max(step, Math.ceil(max / unit / step) * step) * unit;
  const y = (sec: number) => m.t + ih - (sec / top) * ih;
  const span = Math.max(1, to - from);
  const x = (t: number) => m.l + ((t - from) / span) * iw;
  const yTicks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step * unit) yTicks.push(v);
  const xTicks = timeTicks(from, to, zone);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title}: ${bars.length} buckets, up to ${formatDuration(max)} per bucket`}
        data-chart="report"
      >
        <g class="grid">
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={m.l} x2={W - m.r} y1={y(v)} y2={y(v)} />
              <text x={m.l - 6} y={y(v) + 4} text-anchor="end">
                {hoursUnit ? `${v / 3600} h` : `${v / 60} min`}
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
            let acc = 0;
            return (
              <g key={b.start} data-bucket={b.label}>
                {series.map((s) => {
                  const v = b.values[s.key] ?? 0;
                  if (v <= 0) return null;
                  const y0 = y(acc);
                  acc += v;
                  const y1 = y(acc);
                  return (
                    <rect key={s.key} x={x0} y={y1} width={bw} height={Math.max(0.5, y0 - y1)} fill={s.colour} data-series={s.key}>
                      <title>{`${b.label} · ${s.label}: ${formatDuration(v)}`}</title>
                    </rect>
                  );
                })}
              </g>
            );
          })}
        </g>
        {bars.length === 0 && (
          <text x={W / 2} y={H / 2} text-anchor="middle" class="nodata">
            No data in this range
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

export function HStackChart(props: { rows: HBarRow[]; series: SeriesDef[]; title: string }) {
  const { rows, series, title } = props;
  const rowH = 26;
  const m = { l: 210, r: 60, t: 8, b: 8 };
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
                {clip(r.label, 30)}
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
                {totals[i]}
              </text>
            </g>
          );
        })}
        {rows.length === 0 && (
          <text x={W / 2} y={H / 2 + 4} text-anchor="middle" class="nodata">
            No contacts on this date
          </text>
        )}
      </svg>
      <Legend series={series} />
    </figure>
  );
}
