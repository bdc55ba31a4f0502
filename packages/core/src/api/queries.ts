import { openIntervals, type AgentState, type Interval } from '../projectors/agent.js';
import { BucketCalendar, REPORT_SLOT_MS } from '../projectors/buckets.js';
import { FunnelCounts, type ContactRow, type FunnelRow, type Outcome } from '../projectors/contacts.js';
import { ReportFold, type ReportRow } from '../projectors/report.js';
import { isStaleBuild, staleness } from '../projections/index.js';
import { rulesHash, type Rules } from '../rules.js';
import type { ProjectionStore } from '../store/ports.js';
import { forEachRow } from '../store/rows.js';
import { formatUtc } from '../time.js';
import { resourceId } from '../parse/agent-event.js';
import { ParamError } from './params.js';
import { reportView, type ReportViewQuery } from './report-view.js';
import type { AgentPage, AgentView, ConfigView, IntervalView, ReportView } from './views.js';

export function toAgentView(s: AgentState): AgentView {
  return {
    agentArn: s.agentArn,
    username: s.username,
    status: s.status ? { name: s.status.name, type: s.status.type, since: formatUtc(s.status.since) } : null,
    activity: s.activity ? { name: s.activity.name, since: formatUtc(s.activity.since) } : null,
    contacts: s.contacts.map((c) => ({ contactId: c.contactId, channel: c.channel, state: c.state, since: formatUtc(c.since) })),
    loggedIn: s.loggedIn,
    lastEventAt: s.lastEventAt === null ? null : formatUtc(s.lastEventAt),
  };
}

export function toIntervalView(i: Interval): IntervalView {
  return {
    agentArn: i.agentArn,
    username: i.username,
    dimension: i.dimension,
    name: i.name,
    contactId: i.dimension === 'contact' ? i.contactId : null,
    start: formatUtc(i.start),
    end: formatUtc(i.end),
    seconds: (i.end - i.start) / 1000,
  };
}

const byName = (a: { username: string | null; agentArn: string }, b: { username: string | null; agentArn: string }) =>
  (a.username ?? '').localeCompare(b.username ?? '') || a.agentArn.localeCompare(b.agentArn);

/** Which agents a listing shows: each filter matches a name, an id or an ARN (case-insensitive); all given must match. */
export interface AgentFilter {
  /** a queue of the agent's routing profile (inbound, or its default outbound queue) */
  queue?: string;
  routingProfile?: string;
  /** the current status's name or type (ROUTABLE, CUSTOM, OFFLINE) */
  status?: string;
}

export async function queryAgents(store: ProjectionStore, filter: AgentFilter = {}): Promise<AgentView[]> {
  return (await store.listAgents()).filter(agentMatcher(filter)).sort(byName).map(toAgentView);
}

/**
 * One page of queryAgents: the agents after `cursor` (a page's `next`), at
 * most `limit`. The cursor names the last agent shown, so a page stays right
 * when agents appear or leave between requests.
 */
export async function queryAgentPage(store: ProjectionStore, query: AgentFilter & { limit: number; cursor?: string }): Promise<AgentPage> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const matches = (await store.listAgents()).filter(agentMatcher(query)).filter((a) => after === null || byName(a, after) > 0).sort(byName);
  const page = matches.slice(0, query.limit);
  const last = page.at(-1);
  return { agents: page.map(toAgentView), next: matches.length > page.length && last ? encodeCursor(last) : null };
}

function encodeCursor(a: { username: string | null; agentArn: string }): string {
  return Buffer.from(JSON.stringify([a.username, a.agentArn])).toString('base64url');
}

function decodeCursor(cursor: string): { username: string | null; agentArn: string } {
  try {
    const [username, agentArn] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if ((typeof username === 'string' || username === null) && typeof agentArn === 'string') return { username, agentArn };
  } catch {
    /* reported below */
  }
  throw new ParamError('cursor is not one this API gave (use the "next" of the previous page)');
}

function agentMatcher(filter: AgentFilter): (a: AgentState) => boolean {
  const matches = (wanted: string | undefined, refs: ReadonlyArray<{ id: string | null; name: string | null } | undefined>) => {
    if (wanted === undefined) return true;
    const w = wanted.toLowerCase();
    const id = resourceId(wanted)?.toLowerCase();
    return refs.some((r) => r !== undefined && (r.name?.toLowerCase() === w || (r.id !== null && r.id.toLowerCase() === id)));
  };
  return (a) =>
    matches(filter.routingProfile, [a.routingProfile]) &&
    matches(filter.queue, a.routingProfile?.queues ?? []) &&
    (filter.status === undefined ||
      [a.status?.name, a.status?.type].some((s) => s !== undefined && s.toLowerCase() === filter.status!.toLowerCase()));
}

export class UnknownAgentError extends Error {
  override name = 'UnknownAgentError';
}

/** An agent ARN, or a username (which may match agents of several instances). */
export async function resolveAgents(store: ProjectionStore, agent: string | undefined): Promise<string[] | undefined> {
  if (!agent) return undefined;
  const agents = await store.listAgents();
  const matches = agents.filter((a) => a.agentArn === agent || a.username === agent).map((a) => a.agentArn);
  if (matches.length === 0) throw new UnknownAgentError(`no agent with ARN or username "${agent}"`);
  return matches;
}

export interface TimeFilter {
  from?: number;
  to?: number;
}

const DIMENSION_ORDER = { status: 0, activity: 1, contact: 2 } as const;

/** The order of the intervals listing: start, agent, dimension, contact, end. */
const compareIntervals = (a: Interval, b: Interval) =>
  a.start - b.start ||
  a.agentArn.localeCompare(b.agentArn) ||
  DIMENSION_ORDER[a.dimension] - DIMENSION_ORDER[b.dimension] ||
  (a.contactId ?? '').localeCompare(b.contactId ?? '') ||
  a.end - b.end;

/** The closed intervals overlapping the window, in the listing's order, one at a time. */
export async function* intervalRows(store: ProjectionStore, filter: TimeFilter & { agent?: string }): AsyncGenerator<IntervalView> {
  const agentArns = await resolveAgents(store, filter.agent);
  const byStart = store.intervals({ agentArns, from: filter.from, to: filter.to, order: 'start' });
  for await (const i of sortedWithin(byStart, (a, b) => a.start === b.start, compareIntervals)) yield toIntervalView(i);
}

export async function queryIntervals(store: ProjectionStore, filter: TimeFilter & { agent?: string }): Promise<IntervalView[]> {
  return collect(intervalRows(store, filter));
}

export interface ReportQuery extends TimeFilter {
  bucketMinutes?: number;
  zone?: string;
  agent?: string;
  closed?: boolean;
}

/**
 * The report folded from the store's intervals and tallies as they are read
 * (only the sums per agent and bucket are held); its rows are made as they
 * are taken (ReportFold.rows).
 */
export async function reportFold(store: ProjectionStore, rules: Rules, options: ReportQuery): Promise<ReportFold> {
  const agentArns = await resolveAgents(store, options.agent);
  const zone = options.zone ?? rules.timezone;
  const fold = new ReportFold(new BucketCalendar(zone, options.bucketMinutes ?? rules.bucketMinutes), { zone, from: options.from, to: options.to });
  const range = { agentArns, from: options.from, to: options.to };
  // the store's sums per 15-minute slot where it keeps them and the range is made of whole slots; else every row
  const bySlot = store.reportTotals && onSlotEdge(options.from) && onSlotEdge(options.to);
  if (bySlot) await forEachRow(store.reportTotals!(range), (t) => fold.addTotals(t));
  else await forEachRow(store.intervals({ ...range, contactIds: false }), (i) => fold.addInterval(i));
  // States still going on count up to each agent's last event, so that a day in
  // progress compares with Connect's; `closed` leaves them out.
  if (!options.closed) {
    const agents = (await store.listAgents()).filter((a) => !agentArns || agentArns.includes(a.agentArn));
    for (const i of openIntervals(agents)) fold.addInterval(i);
  }
  if (!bySlot) await forEachRow(store.tallies(range), (t) => fold.addTally(t));
  return fold;
}

const onSlotEdge = (t: number | undefined): boolean => t === undefined || t % REPORT_SLOT_MS === 0;

export async function queryReport(store: ProjectionStore, rules: Rules, options: ReportQuery): Promise<ReportRow[]> {
  return [...(await reportFold(store, rules, options)).rows()];
}

/** The dashboard's report (api/report-view.ts): every agent's rows are folded, for the list of agents and the centre's totals; one page is returned. */
export async function queryReportView(store: ProjectionStore, rules: Rules, options: Omit<ReportQuery, 'agent'>, view: ReportViewQuery): Promise<ReportView> {
  return reportView((await reportFold(store, rules, options)).rows(), view);
}

/** Contact rows in order of start (then contact id), one at a time. */
export async function* contactRows(store: ProjectionStore, filter: TimeFilter & { outcome?: Outcome }): AsyncGenerator<ContactRow> {
  const byStart = sortedWithin(
    store.contacts(filter),
    (a, b) => a.startedAt === b.startedAt,
    (a, b) => a.row.contactId.localeCompare(b.row.contactId),
  );
  for await (const c of byStart) yield c.row;
}

export async function queryContacts(store: ProjectionStore, filter: TimeFilter & { outcome?: Outcome }): Promise<ContactRow[]> {
  return collect(contactRows(store, filter));
}

export async function queryFunnel(store: ProjectionStore, filter: TimeFilter = {}): Promise<FunnelRow[]> {
  const counts = new FunnelCounts();
  await forEachRow(store.contacts(filter), (c) => counts.add(c));
  return counts.rows();
}

/**
 * Items that come in order of a leading key, in the order of `compare`:
 * each run of items with the same leading key (`same`) is held and sorted on
 * its own. Runs are short (items that start in the same millisecond), so
 * nothing else is held.
 */
async function* sortedWithin<T>(items: AsyncIterable<T>, same: (a: T, b: T) => boolean, compare: (a: T, b: T) => number): AsyncGenerator<T> {
  let run: T[] = [];
  for await (const item of items) {
    if (run.length > 0 && !same(run[0]!, item)) {
      yield* run.length > 1 ? run.sort(compare) : run;
      run = [];
    }
    run.push(item);
  }
  yield* run.length > 1 ? run.sort(compare) : run;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Whether the projections were built under other rules than `rules`, or by other versions of the projection definitions. */
export async function isStale(store: ProjectionStore, rules: Rules): Promise<boolean> {
  return isStaleBuild(await staleness(store, rules));
}

/** How event time maps to the wall clock when it does not run at 1x. */
export interface EventClock {
  wallAt: number;
  simulatedAt: number;
  speed: number;
}

/** Event time now: the wall clock, or the simulator's clock when it runs faster. */
export function eventNow(clock: EventClock | undefined, wall = Date.now()): number {
  return clock ? clock.simulatedAt + (wall - clock.wallAt) * clock.speed : wall;
}

export async function configView(store: ProjectionStore, rules: Rules, clock?: EventClock): Promise<ConfigView> {
  return {
    ...(clock ? { clock: { wallAt: formatUtc(clock.wallAt), simulatedAt: formatUtc(clock.simulatedAt), speed: clock.speed } } : {}),
    timezone: rules.timezone,
    bucketMinutes: rules.bucketMinutes,
    phoneRegion: rules.phoneRegion,
    alerts: rules.alerts,
    exitLabels: rules.flow.exitLabels ?? {},
    rulesHash: rulesHash(rules),
    stale: await isStale(store, rules),
  };
}
