/**
 * Canned API data built from the API types (packages/core/src/api/views.ts),
 * relative to the current time so that live timers and alerts behave.
 */
import { deriveActivity, formatLocal, zoneOffsetMinutes } from '@switchboard/core';
import type { AgentView, Alert, ConfigView, ContactRow, FunnelRow, ReportRow } from '../../../core/src/api/views.js';

export const INSTANCE = 'arn:aws:connect:ap-northeast-1:123456789012:instance/5f3c1a2e-0000-4000-8000-000000000001';

export const iso = (ms: number) => new Date(ms).toISOString();

export function arnOf(username: string): string {
  let h = 0;
  for (const ch of username) h = (h * 33 + ch.charCodeAt(0)) >>> 0;
  return `${INSTANCE}/agent/${h.toString(16).padStart(8, '0')}-${username.replace(/[^a-z0-9]/gi, '').slice(0, 12)}`;
}

export interface ContactSpec {
  channel?: string | null;
  state: string;
  /** seconds since the contact entered its state */
  ago: number;
  id?: string;
}

export interface AgentSpec {
  username: string;
  status?: string;
  type?: 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';
  /** seconds in the current status */
  statusAgo?: number;
  contacts?: ContactSpec[];
  loggedIn?: boolean;
  /** seconds in the current activity (default: the newest contact or the status) */
  activityAgo?: number;
}

let contactSeq = 0;

/** An AgentView as the projection would show it at `now`. */
export function makeAgent(spec: AgentSpec, now = Date.now()): AgentView {
  const loggedIn = spec.loggedIn ?? true;
  const status = spec.status ?? (loggedIn ? 'Available' : 'Offline');
  const type = spec.type ?? (status === 'Available' ? 'ROUTABLE' : status === 'Offline' ? 'OFFLINE' : 'CUSTOM');
  const statusSince = now - (spec.statusAgo ?? 600) * 1000;
  const contacts = (spec.contacts ?? []).map((c) => ({
    contactId: c.id ?? `c-${(++contactSeq).toString().padStart(6, '0')}-${spec.username}`,
    channel: c.channel === undefined ? 'VOICE' : c.channel,
    state: c.state,
    since: iso(now - c.ago * 1000),
  }));
  const activity = loggedIn ? deriveActivity(contacts, status) : 'Offline';
  const newest = contacts.length ? Math.min(...(spec.contacts ?? []).map((c) => c.ago)) : undefined;
  const activityAgo = spec.activityAgo ?? newest ?? spec.statusAgo ?? 600;
  return {
    agentArn: arnOf(spec.username),
    username: spec.username,
    status: { name: status, type, since: iso(statusSince) },
    activity: { name: activity, since: iso(now - activityAgo * 1000) },
    contacts,
    loggedIn,
    lastEventAt: iso(now - Math.min(activityAgo, spec.statusAgo ?? 600) * 1000),
  };
}

export const CONFIG: ConfigView = {
  timezone: 'Asia/Tokyo',
  bucketMinutes: 15,
  phoneRegion: 'JP',
  alerts: { holdSeconds: 60, afterContactWorkSeconds: 120, statusSeconds: { Break: 900, Lunch: 3600 } },
  exitLabels: {},
  rulesHash: 'sha256:test',
  stale: false,
};

/** A small contact centre in every state the seat map distinguishes. */
export function seatMapAgents(now = Date.now()): AgentView[] {
  const specs: AgentSpec[] = [
    { username: 'aiko.tanaka', statusAgo: 320 },
    { username: 'daichi.kato', statusAgo: 45 },
    { username: 'emi.suzuki', statusAgo: 1280 },
    { username: 'haruto.ito', statusAgo: 75 },
    { username: 'kenji.sato', contacts: [{ state: 'CONNECTED', ago: 212 }] },
    { username: 'mei.yamamoto', contacts: [{ state: 'CONNECTED', ago: 34 }] },
    { username: 'ren.watanabe', contacts: [{ state: 'CONNECTED', ago: 705 }] },
    { username: 'sakura.kobayashi', contacts: [{ channel: 'CHAT', state: 'CONNECTED', ago: 95 }, { channel: 'CHAT', state: 'CONNECTED', ago: 20 }] },
    { username: 'sora.nakamura', contacts: [{ channel: 'EMAIL', state: 'CONNECTED', ago: 400 }] },
    { username: 'takumi.yoshida', contacts: [{ state: 'CONNECTED_ONHOLD', ago: 30 }] },
    { username: 'yui.yamada', contacts: [{ state: 'CONNECTED_ONHOLD', ago: 150 }] },
    { username: 'yuto.sasaki', contacts: [{ state: 'ENDED', ago: 40 }] },
    { username: 'hina.yamaguchi', contacts: [{ channel: 'TASK', state: 'ENDED', ago: 60 }] },
    { username: 'riku.matsumoto', contacts: [{ state: 'ENDED', ago: 300 }] },
    { username: 'mio.inoue', contacts: [{ state: 'INCOMING', ago: 4 }] },
    { username: 'kaito.kimura', contacts: [{ state: 'MISSED', ago: 12 }] },
    { username: 'akari.hayashi', contacts: [{ state: 'ERROR', ago: 8 }] },
    { username: 'yuna.shimizu', status: 'Break', statusAgo: 420 },
    { username: 'sota.yamazaki', status: 'Break', statusAgo: 1100 },
    { username: 'rin.mori', status: 'Lunch', statusAgo: 1500 },
    { username: 'hayato.abe', status: 'Training', statusAgo: 2400 },
    { username: 'koharu.ikeda', loggedIn: false, statusAgo: 5400 },
    { username: 'itsuki.hashimoto', loggedIn: false, statusAgo: 9000 },
    { username: 'Smith, "Jo"', statusAgo: 90 },
  ];
  return specs.map((s) => makeAgent(s, now));
}

/** n agents in a deterministic mix of states (for the 1,000-agent test). */
export function manyAgents(n: number, now = Date.now()): AgentView[] {
  const out: AgentView[] = [];
  for (let i = 0; i < n; i++) {
    const username = `agent${String(i + 1).padStart(4, '0')}`;
    const ago = 5 + ((i * 37) % 1800);
    const k = i % 10;
    const spec: AgentSpec =
      k < 3
        ? { username, contacts: [{ state: 'CONNECTED', ago, channel: i % 7 === 0 ? 'CHAT' : 'VOICE' }] }
        : k === 3
          ? { username, contacts: [{ state: 'CONNECTED_ONHOLD', ago: ago % 90 }] }
          : k === 4
            ? { username, contacts: [{ state: 'ENDED', ago: ago % 200 }] }
            : k < 8
              ? { username, statusAgo: ago }
              : k === 8
                ? { username, status: i % 20 === 8 ? 'Lunch' : 'Break', statusAgo: ago }
                : { username, loggedIn: false, statusAgo: ago };
    out.push(makeAgent(spec, now));
  }
  return out;
}

export function makeAlert(partial: Partial<Alert> & Pick<Alert, 'kind'>): Alert {
  return {
    id: `alert-${Math.random().toString(36).slice(2)}`,
    at: iso(Date.now()),
    ended: false,
    agentArn: null,
    username: null,
    contactId: null,
    name: null,
    seconds: 0,
    thresholdSeconds: null,
    ...partial,
  };
}

// ---- time zone helpers ----

/** ISO-8601 with the zone's offset, to the second, e.g. 2024-04-18T08:45:00+09:00 */
export const isoInZone = (t: number, zone: string): string => formatLocal(Math.floor(t / 1000) * 1000, zone);

export const localDateIn = (t: number, zone: string) => isoInZone(t, zone).slice(0, 10);

// ---- report ----

const BUCKET_MS: Record<string, number> = { '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '1d': 86_400_000 };

function rand(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Report rows for the agents over [from, to): agents work 09:00-17:00 local
 * time; each bucket's seconds are split between activities.
 */
export function reportRows(agents: AgentView[], q: { bucket: string; from: number; to: number; zone: string }): ReportRow[] {
  const size = BUCKET_MS[q.bucket] ?? BUCKET_MS['15m']!;
  const rows: ReportRow[] = [];
  const slot = 900_000;
  for (const [ai, a] of agents.entries()) {
    const acc = new Map<number, ReportRow>();
    for (let t = Math.floor(q.from / slot) * slot; t < q.to; t += slot) {
      if (t < q.from) continue;
      const hour = Number(isoInZone(t, q.zone).slice(11, 13));
      if (hour < 9 || hour >= 17) continue;
      const start = q.bucket === '1d' ? q.from + Math.floor((t - q.from) / size) * size : Math.floor(t / size) * size;
      let row = acc.get(start);
      if (!row) {
        row = {
          agentArn: a.agentArn,
          username: a.username,
          bucketStart: isoInZone(start, q.zone),
          bucketEnd: isoInZone(start + size, q.zone),
          onlineSeconds: 0,
          idleSeconds: 0,
          nonProductiveSeconds: 0,
          onContactSeconds: 0,
          holdSeconds: 0,
          afterContactWorkSeconds: 0,
          errorSeconds: 0,
          holds: 0,
          contactsHandled: 0,
          agentNonResponse: 0,
          occupancy: null,
          statusSeconds: {},
          activitySeconds: {},
        };
        acc.set(start, row);
      }
      const r = rand(t / slot + ai * 7919);
      const talk = Math.round(r() * 500);
      const hold = Math.round(r() * 80);
      const acw = Math.round(r() * 120);
      const brk = hour === 12 ? 300 : r() < 0.15 ? 180 : 0;
      const idle = 900 - talk - hold - acw - brk;
      const add = (o: Record<string, number>, k: string, v: number) => {
        if (v > 0) o[k] = (o[k] ?? 0) + v;
      };
      row.onlineSeconds += 900;
      row.idleSeconds += idle;
      row.nonProductiveSeconds += brk;
      row.onContactSeconds += talk + hold + acw;
      row.holdSeconds += hold;
      row.afterContactWorkSeconds += acw;
      row.holds += hold > 40 ? 1 : 0;
      row.contactsHandled += talk > 120 ? 2 : talk > 0 ? 1 : 0;
      add(row.activitySeconds, 'OnContact', talk);
      add(row.activitySeconds, 'OnHold', hold);
      add(row.activitySeconds, 'AfterContactWork', acw);
      add(row.activitySeconds, 'Available', idle);
      add(row.activitySeconds, hour === 12 ? 'Lunch' : 'Break', brk);
      add(row.statusSeconds, 'Available', 900 - brk);
      add(row.statusSeconds, hour === 12 ? 'Lunch' : 'Break', brk);
      row.occupancy = row.onContactSeconds / (row.onContactSeconds + row.idleSeconds);
    }
    rows.push(...acc.values());
  }
  return rows;
}

// ---- contact flows ----

const EXITS = ['menu_main', 'business_hours_closed', 'self_service_balance', 'self_service_address', 'transfer_sales', 'queue_support', null] as const;

/** The UTC time of local midnight starting `date` in the zone. */
function localMidnight(date: string, zone: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  return t - zoneOffsetMinutes(t, zone) * 60_000;
}

/**
 * Contacts of today and yesterday (local dates in the zone), every outcome:
 * half of them today, whatever the time of day (just after local midnight,
 * a window reaching back from now would hold almost none of today's).
 */
export function contactRows(zone: string, now = Date.now()): ContactRow[] {
  const r = rand(42);
  const out: ContactRow[] = [];
  const todayStart = localMidnight(localDateIn(now, zone), zone);
  const yesterdayStart = localMidnight(localDateIn(todayStart - 3600_000, zone), zone);
  // today's contacts started at least a minute before now, when the day is that old
  const todaySpan = Math.max(0, now - 60_000 - todayStart);
  for (let i = 0; i < 160; i++) {
    const started = i % 2 === 0 ? todayStart + Math.floor(r() * todaySpan) : yesterdayStart + Math.floor(r() * (todayStart - yesterdayStart));
    const exit = EXITS[Math.floor(r() * EXITS.length)] ?? null;
    const x = r();
    const outcome: ContactRow['outcome'] =
      exit === 'queue_support'
        ? x < 0.5
          ? 'handled'
          : 'abandoned_in_queue'
        : exit === 'transfer_sales'
          ? 'handled'
          : x < 0.45
            ? 'completed_in_flow'
            : x < 0.9
              ? 'abandoned_in_flow'
              : 'other';
    const duration = Math.round(20 + r() * 400) + r();
    const national = `03${String(10000000 + Math.floor(r() * 89999999))}`;
    const queueName = exit === 'queue_support' ? 'Support' : exit === 'transfer_sales' ? 'Sales' : null;
    out.push(
      voiceContact({ id: `ct-${String(i).padStart(4, '0')}`, started, duration, zone, national, exitPoint: exit, outcome, queueName, queueSeconds: exit === 'queue_support' ? Math.round(r() * 180) : null }),
    );
  }
  return out;
}

/** An inbound call from a Tokyo landline, as the contacts projection shows it. */
function voiceContact(c: {
  id: string;
  started: number;
  duration: number;
  zone: string;
  national: string;
  exitPoint: string | null;
  outcome: ContactRow['outcome'];
  queueName: string | null;
  queueSeconds: number | null;
}): ContactRow {
  const ended = c.started + c.duration * 1000;
  return {
    contactId: c.id,
    initialContactId: c.id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    startedAt: iso(c.started),
    startedAtLocal: isoInZone(c.started, c.zone),
    endedAt: iso(ended),
    durationSeconds: c.duration,
    customerNumber: `+81${c.national.slice(1)}`,
    customerNumberNational: c.national,
    exitPoint: c.exitPoint,
    completed: c.outcome === 'completed_in_flow' ? true : c.outcome === 'abandoned_in_flow' ? false : null,
    outcome: c.outcome,
    disconnectReason: c.outcome.startsWith('abandoned') ? 'CUSTOMER_DISCONNECT' : 'AGENT_DISCONNECT',
    queueName: c.queueName,
    queueSeconds: c.queueSeconds,
    agentUsername: c.outcome === 'handled' ? 'kenji.sato' : null,
    holdSeconds: null,
    afterContactWorkSeconds: null,
    lastUpdatedAt: iso(ended + 5000),
  };
}

export function funnelRows(contacts: ContactRow[]): FunnelRow[] {
  const m = new Map<string, FunnelRow>();
  for (const c of contacts) {
    if (c.initialContactId !== c.contactId) continue;
    const date = c.startedAtLocal.slice(0, 10);
    const key = `${date}|${c.exitPoint}|${c.outcome}`;
    const row = m.get(key) ?? { date, exitPoint: c.exitPoint, outcome: c.outcome, contacts: 0 };
    row.contacts++;
    m.set(key, row);
  }
  return [...m.values()];
}

/**
 * Contacts through a two-level IVR on one local date: `spec` maps an exit
 * point to [local hour, outcome, count] groups. Numbers are Tokyo landlines.
 */
export function ivrContacts(date: string, zone: string, spec: Record<string, Array<[hour: number, outcome: ContactRow['outcome'], count: number, queue?: string]>>): ContactRow[] {
  const out: ContactRow[] = [];
  let seq = 0;
  for (const [exitPoint, groups] of Object.entries(spec)) {
    for (const [hour, outcome, count, queue] of groups) {
      for (let i = 0; i < count; i++) {
        seq++;
        // hh:(seq % 50):07 local time, 95 s long
        const local = `${date}T${String(hour).padStart(2, '0')}:${String(seq % 50).padStart(2, '0')}:07`;
        const started = Date.parse(`${local}Z`) - zoneOffsetMinutes(Date.parse(`${local}Z`), zone) * 60_000;
        const national = `03${String(55500000 + seq)}`;
        out.push(voiceContact({ id: `ivr-${String(seq).padStart(4, '0')}`, started, duration: 95, zone, national, exitPoint, outcome, queueName: queue ?? null, queueSeconds: queue ? 40 : null }));
      }
    }
  }
  return out;
}
