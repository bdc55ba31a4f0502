/**
 * Reading the IVR's exit points: their names from the rules
 * (`flow.exitLabels`), contact outcomes as an open list with labels, and the
 * step funnel: an exit point such as "1-2" is a path of menu levels
 * separated by "-" (option 1 at the first menu, option 2 at the second).
 */
import type { SeriesDef } from './components/charts.js';
import type { FunnelRow } from './types.js';

/** "1-1 · Card lost: done" when the rules name it, else "1-1". */
export function exitPointLabel(exitPoint: string, labels: Record<string, string> | undefined): string {
  const name = labels?.[exitPoint];
  return name ? `${exitPoint} · ${name}` : exitPoint;
}

/** Outcomes Switchboard knows, in the order they are shown; others follow with a label made from their name. */
const KNOWN_OUTCOMES: SeriesDef[] = [
  { key: 'handled', label: 'Handled', colour: '#16a34a' },
  { key: 'transferred', label: 'Transferred', colour: '#0e7490' },
  { key: 'completed_in_flow', label: 'Completed in flow', colour: '#2563eb' },
  { key: 'abandoned_in_flow', label: 'Abandoned in flow', colour: '#dc2626' },
  { key: 'abandoned_in_queue', label: 'Abandoned in queue', colour: '#d97706' },
  { key: 'other', label: 'Other', colour: '#9ca3af' },
];
const SPARE_COLOURS = ['#7c3aed', '#be185d', '#4d7c0f', '#57534e'];

export const outcomeLabel = (o: string): string => KNOWN_OUTCOMES.find((s) => s.key === o)?.label ?? o.charAt(0).toUpperCase() + o.slice(1).replace(/_/g, ' ');

/** The outcomes to show: every known one, then any other found in the data. */
export function outcomeSeries(found: Iterable<string>): SeriesDef[] {
  const extra = [...new Set(found)].filter((o) => !KNOWN_OUTCOMES.some((s) => s.key === o)).sort();
  return [...KNOWN_OUTCOMES, ...extra.map((key, i) => ({ key, label: outcomeLabel(key), colour: SPARE_COLOURS[i % SPARE_COLOURS.length]! }))];
}

export interface StepNode {
  /** the exit point this node is, e.g. "1-2" */
  path: string;
  level: number;
  /** contacts whose exit point is this node or below it */
  reached: number;
  /** contacts that left the flow here, per outcome */
  left: Record<string, number>;
  leftTotal: number;
}

export interface StepLevel {
  level: number;
  reached: number;
  leftTotal: number;
  nodes: StepNode[];
}

export interface StepFunnel {
  /** contacts with an exit point */
  entered: number;
  /** contacts without one (the flow set no exit attribute) */
  noExitPoint: number;
  levels: StepLevel[];
}

/** The step funnel of some funnel rows (one date's): how many reached each level and node, and how they left. */
export function stepFunnel(rows: readonly FunnelRow[]): StepFunnel {
  const nodes = new Map<string, StepNode>();
  let entered = 0;
  let noExitPoint = 0;
  for (const r of rows) {
    if (r.exitPoint === null || r.exitPoint === '') {
      noExitPoint += r.contacts;
      continue;
    }
    entered += r.contacts;
    const parts = r.exitPoint.split('-');
    for (let level = 1; level <= parts.length; level++) {
      const path = parts.slice(0, level).join('-');
      let node = nodes.get(path);
      if (!node) {
        node = { path, level, reached: 0, left: {}, leftTotal: 0 };
        nodes.set(path, node);
      }
      node.reached += r.contacts;
      if (level === parts.length) {
        node.left[r.outcome] = (node.left[r.outcome] ?? 0) + r.contacts;
        node.leftTotal += r.contacts;
      }
    }
  }
  const levels: StepLevel[] = [];
  for (const node of [...nodes.values()].sort((a, b) => a.level - b.level || a.path.localeCompare(b.path, undefined, { numeric: true }))) {
    const level = (levels[node.level - 1] ??= { level: node.level, reached: 0, leftTotal: 0, nodes: [] });
    level.reached += node.reached;
    level.leftTotal += node.leftTotal;
    level.nodes.push(node);
  }
  return { entered, noExitPoint, levels };
}
