import { formatLocal } from '../time.js';
import { ON_CONTACT_ACTIVITIES } from './activity.js';
import type { Interval, Tally } from './agent.js';
import { BucketCalendar } from './buckets.js';

export interface ReportRow {
  agentArn: string;
  username: string | null;
  bucketStart: string;
  bucketEnd: string;
  onlineSeconds: number;
  idleSeconds: number;
  nonProductiveSeconds: number;
  onContactSeconds: number;
  holdSeconds: number;
  afterContactWorkSeconds: number;
  errorSeconds: number;
  holds: number;
  contactsHandled: number;
  statusSeconds: Record<string, number>;
  activitySeconds: Record<string, number>;
}

export interface ReportOptions {
  zone: string;
  bucketMinutes: number;
  /** ms; intervals are clipped to [from, to) */
  from?: number;
  to?: number;
}

/** Sums kept in integer milliseconds so that totals add up exactly. */
interface Accumulator {
  agentArn: string;
  start: number;
  end: number;
  onlineMs: number;
  idleMs: number;
  nonProductiveMs: number;
  onContactMs: number;
  holdMs: number;
  afterContactWorkMs: number;
  errorMs: number;
  holds: number;
  contactsHandled: number;
  statusMs: Map<string, number>;
  activityMs: Map<string, number>;
}

/**
 * The interval report: per agent per bucket, intervals split at bucket edges.
 * Definitions follow design.md "Interval report".
 */
export function buildReport(intervals: Iterable<Interval>, tallies: Iterable<Tally>, options: ReportOptions): ReportRow[] {
  const calendar = new BucketCalendar(options.zone, options.bucketMinutes);
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const rows = new Map<string, Accumulator>();
  const usernames = new Map<string, string | null>();

  const row = (agentArn: string, bucket: { start: number; end: number }): Accumulator => {
    const key = `${agentArn}\u0000${bucket.start}`;
    let acc = rows.get(key);
    if (!acc) {
      acc = emptyAccumulator(agentArn, bucket.start, bucket.end);
      rows.set(key, acc);
    }
    return acc;
  };

  for (const iv of intervals) {
    if (iv.username) usernames.set(iv.agentArn, iv.username);
    const start = Math.max(iv.start, from);
    const end = Math.min(iv.end, to);
    for (const [bucket, s, e] of calendar.split(start, end)) addInterval(row(iv.agentArn, bucket), iv, e - s);
  }
  for (const t of tallies) {
    if (t.at < from || t.at >= to) continue;
    const acc = row(t.agentArn, calendar.bucketOf(t.at));
    if (t.kind === 'hold') acc.holds += 1;
    else acc.contactsHandled += 1;
  }

  const name = (acc: Accumulator) => usernames.get(acc.agentArn) ?? null;
  return [...rows.values()]
    .sort((a, b) => a.start - b.start || (name(a) ?? '').localeCompare(name(b) ?? '') || a.agentArn.localeCompare(b.agentArn))
    .map((acc) => toRow(acc, name(acc), options.zone));
}

function addInterval(acc: Accumulator, iv: Interval, ms: number): void {
  if (iv.dimension === 'status') {
    if (iv.statusType !== 'OFFLINE') acc.onlineMs += ms;
    if (iv.statusType === 'CUSTOM') acc.nonProductiveMs += ms;
    acc.statusMs.set(iv.name, (acc.statusMs.get(iv.name) ?? 0) + ms);
  } else if (iv.dimension === 'activity') {
    if (iv.name === 'Available') acc.idleMs += ms;
    if (ON_CONTACT_ACTIVITIES.has(iv.name)) acc.onContactMs += ms;
    acc.activityMs.set(iv.name, (acc.activityMs.get(iv.name) ?? 0) + ms);
  } else if (iv.name === 'CONNECTED_ONHOLD') acc.holdMs += ms;
  else if (iv.name === 'ENDED') acc.afterContactWorkMs += ms;
  else if (iv.name === 'ERROR') acc.errorMs += ms;
}

function emptyAccumulator(agentArn: string, start: number, end: number): Accumulator {
  return {
    agentArn,
    start,
    end,
    onlineMs: 0,
    idleMs: 0,
    nonProductiveMs: 0,
    onContactMs: 0,
    holdMs: 0,
    afterContactWorkMs: 0,
    errorMs: 0,
    holds: 0,
    contactsHandled: 0,
    statusMs: new Map(),
    activityMs: new Map(),
  };
}

function seconds(ms: number): number {
  return ms / 1000;
}

function secondsByName(map: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of [...map.keys()].sort()) out[name] = seconds(map.get(name)!);
  return out;
}

function toRow(acc: Accumulator, username: string | null, zone: string): ReportRow {
  return {
    agentArn: acc.agentArn,
    username,
    bucketStart: formatLocal(acc.start, zone),
    bucketEnd: formatLocal(acc.end, zone),
    onlineSeconds: seconds(acc.onlineMs),
    idleSeconds: seconds(acc.idleMs),
    nonProductiveSeconds: seconds(acc.nonProductiveMs),
    onContactSeconds: seconds(acc.onContactMs),
    holdSeconds: seconds(acc.holdMs),
    afterContactWorkSeconds: seconds(acc.afterContactWorkMs),
    errorSeconds: seconds(acc.errorMs),
    holds: acc.holds,
    contactsHandled: acc.contactsHandled,
    statusSeconds: secondsByName(acc.statusMs),
    activitySeconds: secondsByName(acc.activityMs),
  };
}
