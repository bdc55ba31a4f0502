/**
 * Alert badges for a tile: thresholds from /api/config checked against the
 * clock (hold, after-contact work, time in a status), plus alerts received on
 * the stream while the condition they describe is still going on.
 */
import type { AgentView, Alert, AlertKind, ConfigView } from './types.js';
import { formatDuration } from './time.js';

export type Thresholds = ConfigView['alerts'];

export interface Badge {
  key: string;
  kind: AlertKind;
  label: string;
  title: string;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

function label(kind: AlertKind, name: string | null): string {
  switch (kind) {
    case 'LongHold':
      return 'Long hold';
    case 'LongAfterContactWork':
      return 'Long ACW';
    case 'LongStatus':
      return `Long ${name ?? 'status'}`;
    default:
      return 'Abandoned';
  }
}

function describe(kind: AlertKind, name: string | null, thresholdSeconds: number | null): string {
  const limit = thresholdSeconds != null ? ` longer than ${formatDuration(thresholdSeconds)}` : ' too long';
  switch (kind) {
    case 'LongHold':
      return `On hold${limit}`;
    case 'LongAfterContactWork':
      return `In after-contact work${limit}`;
    case 'LongStatus':
      return `In status ${name ?? ''}${limit}`;
    default:
      return 'Contact abandoned';
  }
}

/** Is the condition a stream alert reported still going on for this agent? */
export function alertIsCurrent(al: Alert, a: AgentView): boolean {
  if (al.ended) return false;
  const at = ms(al.at);
  const contactIn = (state: string) =>
    al.contactId
      ? a.contacts.some((c) => c.contactId === al.contactId && c.state === state && !(ms(c.since) > at))
      : a.contacts.some((c) => c.state === state);
  switch (al.kind) {
    case 'LongHold':
      return contactIn('CONNECTED_ONHOLD');
    case 'LongAfterContactWork':
      return contactIn('ENDED');
    case 'LongStatus':
      return a.loggedIn && !!a.status && a.status.name === al.name && !(ms(a.status.since) > at);
    default:
      return false;
  }
}

/**
 * Badges showing at time `t`, and the next moment (ms) a threshold will be
 * crossed (null when none is pending), so the tile re-renders just then.
 */
export function tileAlerts(
  a: AgentView,
  th: Thresholds | undefined,
  streamAlerts: readonly Alert[] | undefined,
  t: number,
): { badges: Badge[]; next: number | null } {
  const badges = new Map<string, Badge>();
  let next: number | null = null;
  const check = (kind: AlertKind, key: string, since: string, limit: number | undefined, name: string | null) => {
    if (limit == null || !Number.isFinite(limit)) return;
    const s = ms(since);
    if (!Number.isFinite(s)) return;
    const due = s + limit * 1000;
    if (t >= due) badges.set(key, { key, kind, label: label(kind, name), title: describe(kind, name, limit) });
    else if (next === null || due < next) next = due;
  };
  if (th && a.loggedIn) {
    for (const c of a.contacts) {
      if (c.state === 'CONNECTED_ONHOLD') check('LongHold', `LongHold:${c.contactId}`, c.since, th.holdSeconds, null);
      else if (c.state === 'ENDED')
        check('LongAfterContactWork', `LongAfterContactWork:${c.contactId}`, c.since, th.afterContactWorkSeconds, null);
    }
    if (a.status) check('LongStatus', `LongStatus:${a.status.name}`, a.status.since, th.statusSeconds?.[a.status.name], a.status.name);
  }
  for (const al of streamAlerts ?? []) {
    if (!alertIsCurrent(al, a)) continue;
    const key = `${al.kind}:${al.kind === 'LongStatus' ? al.name : (al.contactId ?? '')}`;
    const dup = [...badges.keys()].some((k) => k === key || (al.contactId === null && k.startsWith(`${al.kind}:`)));
    if (!dup) badges.set(key, { key, kind: al.kind, label: label(al.kind, al.name), title: describe(al.kind, al.name, al.thresholdSeconds) });
  }
  return { badges: [...badges.values()], next };
}

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  LongHold: 'Long hold',
  LongAfterContactWork: 'Long after-contact work',
  LongStatus: 'Long status',
  ContactAbandoned: 'Contact abandoned',
  LongQueueWait: 'Long queue wait',
  ServiceLevelBelowTarget: 'Service level below target',
};

/**
 * The agents showing an alert badge at time `t`, and the next moment one more
 * crosses a threshold (null when none will), to count and filter them.
 */
export function alertingAgents(
  agents: Iterable<AgentView>,
  th: Thresholds | undefined,
  byAgent: ReadonlyMap<string, readonly Alert[]>,
  t: number,
): { arns: Set<string>; next: number | null } {
  const arns = new Set<string>();
  let next: number | null = null;
  for (const a of agents) {
    const r = tileAlerts(a, th, byAgent.get(a.agentArn), t);
    if (r.badges.length > 0) arns.add(a.agentArn);
    if (r.next !== null && (next === null || r.next < next)) next = r.next;
  }
  return { arns, next };
}
