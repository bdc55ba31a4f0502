import type { StepFunnel } from '../flows.js';
import { exitPointLabel } from '../flows.js';
import { formatCount, type SeriesDef } from './charts.js';

const pct = (n: number, of: number) => (of > 0 ? `${Math.round((100 * n) / of)}%` : '');

/**
 * The IVR level by level: how many callers reached each menu level and each
 * option, how many left the flow there (by outcome: into a queue, finished,
 * hung up) and how many went on to the next level.
 */
export function StepFunnelTable({ funnel, series, labels }: { funnel: StepFunnel; series: SeriesDef[]; labels: Record<string, string> | undefined }) {
  const { entered, levels } = funnel;
  if (entered === 0) return <p class="muted">No contacts with an exit point on this day.</p>;
  return (
    <div class="table-wrap">
      <table class="data steps" data-table="steps" aria-labelledby="steps-title">
        <caption>
          {formatCount(entered)} contacts with an exit point{funnel.noExitPoint > 0 ? ` (and ${formatCount(funnel.noExitPoint)} without)` : ''}; levels are the parts of an exit point separated by “-”
        </caption>
        <thead>
          <tr>
            <th scope="col">Level / exit point</th>
            <th scope="col" class="num">
              Reached
            </th>
            <th scope="col" class="bar-col">
              Share of all
            </th>
            <th scope="col" class="num">
              Left the flow here
            </th>
            <th scope="col">How they left</th>
            <th scope="col" class="num">
              Went on
            </th>
          </tr>
        </thead>
        <tbody>
          {levels.map((level) => [
            <tr key={`level-${level.level}`} class="level" data-level={level.level}>
              <th scope="row">Level {level.level}</th>
              <td class="num">{formatCount(level.reached)}</td>
              <td class="bar-col">
                <Bar value={level.reached} of={entered} />
              </td>
              <td class="num">{formatCount(level.leftTotal)}</td>
              <td />
              <td class="num">{formatCount(level.reached - level.leftTotal)}</td>
            </tr>,
            ...level.nodes.map((node) => (
              <tr key={node.path} class="node" data-node={node.path}>
                <th scope="row" class="indent">
                  {exitPointLabel(node.path, labels)}
                </th>
                <td class="num">{formatCount(node.reached)}</td>
                <td class="bar-col">
                  <Bar value={node.reached} of={entered} />
                </td>
                <td class="num">{formatCount(node.leftTotal)}</td>
                <td>
                  <Split left={node.left} total={node.leftTotal} series={series} />
                </td>
                <td class="num">{formatCount(node.reached - node.leftTotal)}</td>
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}

function Bar({ value, of }: { value: number; of: number }) {
  return (
    <span class="bar" title={`${formatCount(value)} of ${formatCount(of)}`}>
      <span class="fill" style={{ width: pct(value, of) || '0%' }} />
      <span class="pct">{pct(value, of)}</span>
    </span>
  );
}

/** Those who left at a node, as a bar split by outcome. */
function Split({ left, total, series }: { left: Record<string, number>; total: number; series: SeriesDef[] }) {
  if (total === 0) return null;
  const parts = series.filter((s) => (left[s.key] ?? 0) > 0);
  return (
    <span class="split" title={parts.map((s) => `${s.label}: ${left[s.key]}`).join(' · ')}>
      {parts.map((s) => (
        <span key={s.key} class="part" data-outcome={s.key} style={{ width: pct(left[s.key]!, total), background: s.colour }} />
      ))}
    </span>
  );
}
