/**
 * `switchboard reconcile`: the report over exactly the intervals of a saved
 * GetMetricDataV2 response, compared with Connect's values (docs/metrics.md,
 * "Reconciling with Connect").
 */
import { openIntervals, type Interval, type Tally } from '../projectors/agent.js';
import type { Bucket } from '../projectors/buckets.js';
import { buildReportIn, type ReportRow } from '../projectors/report.js';
import type { ProjectionReader } from '../store/ports.js';
import { compareWithConnect, DEFAULT_TOLERANCE, type AgentIdentity, type Reconciliation, type Tolerance } from './compare.js';
import type { ConnectResult } from './response.js';

export * from './compare.js';
export * from './response.js';

/** Buckets that are exactly the given windows (disjoint, sorted); time outside them is left out. */
export class Windows {
  private readonly list: Bucket[];

  constructor(windows: readonly Bucket[]) {
    this.list = [...windows].sort((a, b) => a.start - b.start);
  }

  *split(start: number, end: number): Generator<[Bucket, number, number]> {
    for (let i = this.firstEndingAfter(start); i < this.list.length; i++) {
      const w = this.list[i]!;
      if (w.start >= end) return;
      const s = Math.max(start, w.start);
      const e = Math.min(end, w.end);
      if (s < e) yield [w, s, e];
    }
  }

  bucketOf(t: number): Bucket | null {
    const w = this.list[this.firstEndingAfter(t)];
    return w && w.start <= t ? w : null;
  }

  /** index of the first window whose end is after t */
  private firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid]!.end <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Splits windows into groups of disjoint ones (a file may hold, say, FIFTEEN_MIN and TOTAL pages). */
export function disjointGroups(windows: readonly Bucket[]): Bucket[][] {
  const groups: Bucket[][] = [];
  const sorted = [...new Map(windows.map((w) => [`${w.start}-${w.end}`, w])).values()].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const w of sorted) {
    const group = groups.find((g) => g.at(-1)!.end <= w.start);
    if (group) group.push(w);
    else groups.push([w]);
  }
  return groups;
}

/** The last part of an agent ARN (…/agent/<id>): what Dimensions.AGENT holds. */
export function agentIdOf(agentArn: string): string {
  return agentArn.slice(agentArn.lastIndexOf('/') + 1);
}

export interface ReconcileOptions {
  tolerance?: Tolerance;
  /** closed intervals only, as `report --closed` */
  closed?: boolean;
  zone: string;
}

/** Reads Switchboard's side from the projections and compares it with the file's results. */
export async function reconcileWithConnect(store: ProjectionReader, results: readonly ConnectResult[], options: ReconcileOptions): Promise<Reconciliation> {
  const known = await store.listAgents();
  const agents = new Map<string, AgentIdentity>();
  for (const a of known) {
    const who = { agentArn: a.agentArn, username: a.username };
    agents.set(a.agentArn, who);
    agents.set(agentIdOf(a.agentArn), who);
  }
  const windows = results.map((r) => ({ start: r.start, end: r.end }));
  const from = windows.reduce((t, w) => Math.min(t, w.start), Infinity);
  const to = windows.reduce((t, w) => Math.max(t, w.end), -Infinity);
  const agentArns = [...new Set(results.map((r) => agents.get(r.agent)?.agentArn).filter((a): a is string => a !== undefined))];
  const intervals: Interval[] = [];
  const tallies: Tally[] = [];
  if (agentArns.length > 0) {
    for await (const i of store.intervals({ agentArns, from, to })) intervals.push(i);
    const wanted = new Set(agentArns);
    if (!options.closed) intervals.push(...openIntervals(known.filter((a) => wanted.has(a.agentArn))));
    for await (const t of store.tallies({ agentArns, from, to })) tallies.push(t);
  }
  const rows = new Map<string, ReportRow>();
  for (const group of disjointGroups(windows)) {
    for (const row of buildReportIn(new Windows(group), intervals, tallies, { zone: options.zone, from, to })) {
      rows.set(`${row.agentArn}\u0000${Date.parse(row.bucketStart)}\u0000${Date.parse(row.bucketEnd)}`, row);
    }
  }
  return compareWithConnect(results, agents, (arn, start, end) => rows.get(`${arn}\u0000${start}\u0000${end}`), options.tolerance ?? DEFAULT_TOLERANCE);
}
