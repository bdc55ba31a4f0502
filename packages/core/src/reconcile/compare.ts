/**
 * Holds Switchboard's report next to Connect's GetMetricDataV2 values, per
 * agent, interval and metric, by the Connect identifiers of the metric table
 * (projectors/metrics.ts). Pure: the caller supplies both sides.
 */
import { REPORT_METRIC_TABLE, type MetricDefinition } from '../projectors/metrics.js';
import type { ReportRow } from '../projectors/report.js';
import type { ConnectResult } from './response.js';

/** How far apart two values may be and still agree. */
export interface Tolerance {
  /** time metrics, seconds */
  seconds: number;
  /** counts */
  count: number;
  /** percentages (occupancy), percentage points */
  percent: number;
}

/**
 * Agent events carry milliseconds, Connect's own timestamps differ from them
 * by up to a second or two per state change; counts must match; occupancy is
 * a percentage of those times.
 */
export const DEFAULT_TOLERANCE: Tolerance = { seconds: 5, count: 0, percent: 1 };

export interface Comparison {
  /** Connect's Dimensions.AGENT */
  agent: string;
  agentArn: string | null;
  username: string | null;
  /** ms; for totals, the file's first start and last end */
  start: number;
  end: number;
  /** Connect's identifier, and Switchboard's field */
  metric: string;
  field: string;
  unit: 'seconds' | 'count' | 'percent';
  connect: number | null;
  switchboard: number | null;
  /** switchboard - connect; null when either is null */
  difference: number | null;
  withinTolerance: boolean;
}

export interface NotCompared {
  metric: string;
  reason: string;
}

export interface Reconciliation {
  tolerance: Tolerance;
  /** metrics that compare per interval */
  intervals: Comparison[];
  /** metrics that compare only as totals over the file, per agent */
  totals: Comparison[];
  /** values shown per interval for the totals-only metrics, not judged */
  intervalsOfTotals: Comparison[];
  notCompared: NotCompared[];
  /** agents of the file Switchboard has no events of */
  unknownAgents: string[];
  /** comparisons beyond tolerance */
  differing: number;
}

export interface AgentIdentity {
  agentArn: string;
  username: string | null;
}

/** Switchboard's side: the report row of an agent for exactly [start, end), if any. */
export type OurRows = (agentArn: string, start: number, end: number) => ReportRow | undefined;

const BY_CONNECT = new Map<string, MetricDefinition>(
  (REPORT_METRIC_TABLE as readonly MetricDefinition[]).filter((m) => m.connect !== null).map((m) => [m.connect!, m]),
);

/** Connect metrics related to a field of ours that is not of the same meaning, and why. */
const RELATED: ReadonlyMap<string, string> = new Map([
  ['CONTACTS_PUT_ON_HOLD', holdsCaveat()],
  ['AVG_HOLDS', holdsCaveat()],
  ['AVG_HOLD_TIME', 'an average per contact record; Switchboard reports sums (holdSeconds)'],
  ['AVG_AFTER_CONTACT_WORK_TIME', 'an average per contact record; Switchboard reports sums (afterContactWorkSeconds)'],
  ['CONTACTS_HANDLED_BY_CONNECTED_TO_AGENT', 'counted in the interval the contact connected; Switchboard counts at disconnect (contactsHandled = CONTACTS_HANDLED)'],
  ['AGENT_NON_RESPONSE_WITHOUT_CUSTOMER_ABANDONS', 'agent events do not tell a customer abandon from an agent not answering; Switchboard counts both (agentNonResponse = AGENT_NON_RESPONSE)'],
  ['SUM_HANDLE_TIME', 'contact handle time includes time on contacts in a custom status; Switchboard reports onContactSeconds (SUM_CONTACT_TIME_AGENT), which excludes it'],
]);

function holdsCaveat(): string {
  return (REPORT_METRIC_TABLE as readonly MetricDefinition[]).find((m) => m.field === 'holds')!.caveat!;
}

export function compareWithConnect(
  results: readonly ConnectResult[],
  agents: ReadonlyMap<string, AgentIdentity>,
  ours: OurRows,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): Reconciliation {
  const out: Reconciliation = { tolerance, intervals: [], totals: [], intervalsOfTotals: [], notCompared: [], unknownAgents: [], differing: 0 };
  const notCompared = new Map<string, string>();
  const unknown = new Set<string>();
  const totals = new Map<string, Comparison>();

  for (const r of results) {
    const who = agents.get(r.agent) ?? null;
    if (!who) unknown.add(r.agent);
    const row = who ? ours(who.agentArn, r.start, r.end) : undefined;
    for (const v of r.values) {
      const m = BY_CONNECT.get(v.metric);
      if (!m) {
        notCompared.set(v.metric, RELATED.get(v.metric) ?? 'Switchboard has no metric of this meaning');
        continue;
      }
      if (v.variant) {
        notCompared.set(`${v.metric} (with a threshold or metric filters)`, 'Switchboard computes the metric without thresholds or filters');
        continue;
      }
      if (m.comparable === 'none') {
        notCompared.set(v.metric, m.caveat ?? 'not of the same meaning');
        continue;
      }
      const c = comparison(r, who, m, v.value, ourValue(m, row), tolerance);
      if (m.comparable === 'interval') {
        out.intervals.push(c);
        if (!c.withinTolerance) out.differing++;
        continue;
      }
      out.intervalsOfTotals.push({ ...c, withinTolerance: true });
      notCompared.set(`${v.metric} per interval`, m.caveat ?? 'only totals compare');
      const key = `${r.agent}\u0000${r.interval ?? ''}\u0000${v.metric}`;
      const total = totals.get(key);
      if (!total) totals.set(key, { ...c });
      else {
        total.start = Math.min(total.start, c.start);
        total.end = Math.max(total.end, c.end);
        total.connect = (total.connect ?? 0) + (c.connect ?? 0);
        total.switchboard = (total.switchboard ?? 0) + (c.switchboard ?? 0);
      }
    }
  }
  for (const t of totals.values()) {
    const judged = judge(t.connect, t.switchboard, t.unit, tolerance);
    const c = { ...t, ...judged };
    out.totals.push(c);
    if (!c.withinTolerance) out.differing++;
  }
  out.notCompared = [...notCompared].map(([metric, reason]) => ({ metric, reason })).sort((a, b) => a.metric.localeCompare(b.metric));
  out.unknownAgents = [...unknown].sort();
  return out;
}

/** Our value in Connect's unit: percentages for ratios, and 0 for an agent or interval with no row. */
function ourValue(m: MetricDefinition, row: ReportRow | undefined): number | null {
  const value = row ? (row[m.field as keyof ReportRow] as number | null) : m.unit === 'ratio' ? null : 0;
  if (m.unit !== 'ratio' || value === null) return value;
  return Math.round(value * 10_000) / 100;
}

function comparison(
  r: ConnectResult,
  who: AgentIdentity | null,
  m: MetricDefinition,
  connect: number | null,
  switchboard: number | null,
  tolerance: Tolerance,
): Comparison {
  const unit = m.unit === 'ratio' ? 'percent' : m.unit;
  // Connect leaves a sum out (null) where it has no data: that is 0
  const theirs = connect === null && unit !== 'percent' ? 0 : connect;
  return {
    agent: r.agent,
    agentArn: who?.agentArn ?? null,
    username: who?.username ?? null,
    start: r.start,
    end: r.end,
    metric: m.connect!,
    field: m.field,
    unit,
    connect: theirs,
    switchboard,
    ...judge(theirs, switchboard, unit, tolerance),
  };
}

function judge(connect: number | null, switchboard: number | null, unit: Comparison['unit'], tolerance: Tolerance) {
  if (connect === null || switchboard === null) return { difference: null, withinTolerance: connect === switchboard };
  const difference = Math.round((switchboard - connect) * 1000) / 1000;
  const allowed = unit === 'seconds' ? tolerance.seconds : unit === 'count' ? tolerance.count : tolerance.percent;
  return { difference, withinTolerance: Math.abs(difference) <= allowed + 1e-9 };
}
