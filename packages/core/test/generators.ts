import fc from 'fast-check';
import { agentEvent, type ContactSpec } from './builders.js';

/**
 * Valid agent event sequences for property tests. fast-check draws a list of
 * choices; `interpret` turns them into the events a real CCP session emits:
 * logins, status changes (a renamed routable status "Ready", and "Pausa",
 * whose payloads omit AgentStatus.Type), inbound calls, chats and tasks
 * through their states (ringing, connected, holds, pauses, ACW, missed,
 * rejected, error), outbound and callback dials (answered or not), a
 * supervisor's MONITOR contacts, heartbeats (some carrying a change that the
 * preceding STATE_CHANGE missed), and logouts: through Offline, with the status
 * kept (Connect does not set Offline), or in the middle of a contact; after a
 * logout, heartbeats with the kept status, and a re-login may show the
 * contacts again. Every sequence ends logged out.
 */
export interface Scenario {
  events: Array<Record<string, unknown>>;
  /** logged-in periods per agent ARN suffix, [start, end) in ms */
  sessions: Map<string, Array<[number, number]>>;
  /** per agent, the contacts that reached the agent (connected, on hold or paused), monitors excepted */
  connected: Map<string, Set<string>>;
  /** per agent, the contacts offered to it that went MISSED or REJECTED */
  notTaken: Map<string, Set<string>>;
}

/** A status name with the AgentStatus.Type its payloads carry (null: omitted). */
const STATUSES: ReadonlyArray<[string, string | null]> = [
  ['Available', 'ROUTABLE'],
  ['Available', 'ROUTABLE'],
  ['Ready', 'ROUTABLE'],
  ['Break', 'CUSTOM'],
  ['Lunch', 'CUSTOM'],
  ['Pausa', null],
  ['Offline', 'OFFLINE'],
];
const TYPE_OF = new Map(STATUSES);

/** Rules under which a generated status without a Type is routable. */
export const PAUSA_ROUTABLE = { statusTypes: { Pausa: 'ROUTABLE' as const } };

const T0 = Date.UTC(2024, 3, 17, 14, 30); // 23:30 in Tokyo: sessions cross local midnight

const step = fc.record({
  choice: fc.nat(99),
  pick: fc.nat(),
  gapMs: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 900_000 })),
  silent: fc.nat(7).map((n) => n === 0),
});

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .array(fc.array(step, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 3 })
  .map((agents) => {
    const scenario: Scenario = { events: [], sessions: new Map(), connected: new Map(), notTaken: new Map() };
    agents.forEach((steps, i) => interpret(`agent-${i}`, steps, scenario));
    return scenario;
  });

/** A contact as the generator tracks it: what the snapshot shows, and whether it reached the agent. */
type GenContact = ContactSpec & { connected: boolean };

/** The kinds of contact that arrive, by the pick that draws them. */
function newContact(id: string, pick: number, contacts: readonly GenContact[]): GenContact | null {
  const voiceBusy = contacts.some((x) => x.channel === 'VOICE');
  const kind = pick % 9;
  if (kind <= 2) return { id, state: 'CONNECTING', channel: voiceBusy || kind === 2 ? 'CHAT' : 'VOICE', initiationMethod: 'INBOUND', connected: false };
  if (kind === 3) return { id, state: 'CONNECTING', channel: 'TASK', initiationMethod: 'API', connected: false };
  if (voiceBusy) return null;
  if (kind <= 5) return { id, state: 'CONNECTING', channel: 'VOICE', initiationMethod: 'OUTBOUND', connected: false };
  if (kind === 6) return { id, state: 'INCOMING', channel: 'VOICE', initiationMethod: 'CALLBACK', connected: false };
  if (kind === 7) return { id, state: 'CONNECTED', channel: 'VOICE', initiationMethod: 'MONITOR', connected: true };
  return { id, state: 'CONNECTING', channel: 'VOICE', initiationMethod: 'TRANSFER', initialContactId: `${id}-first`, connected: false };
}

function interpret(agent: string, steps: Array<{ choice: number; pick: number; gapMs: number; silent: boolean }>, scenario: Scenario): void {
  let at = T0;
  let loggedIn = false;
  let loginAt = 0;
  let status = 'Available';
  let contacts: GenContact[] = [];
  /** contacts a logout in the middle of work left behind: a re-login may show them in ACW */
  let leftAtLogout: GenContact[] = [];
  let seq = 0;
  const periods: Array<[number, number]> = [];
  const connected = new Set<string>();
  const notTaken = new Set<string>();
  const emit = (type: 'LOGIN' | 'LOGOUT' | 'STATE_CHANGE' | 'HEART_BEAT') => {
    for (const c of contacts) {
      if (c.connected && c.initiationMethod !== 'MONITOR') connected.add(c.id);
      if (c.state === 'MISSED' || c.state === 'REJECTED') notTaken.add(c.id);
    }
    scenario.events.push(
      agentEvent({
        type,
        at,
        agent,
        status,
        statusType: TYPE_OF.get(status),
        contacts: contacts.map((c) => ({ ...c })),
        eventId: `${agent}-${seq++}`,
      }),
    );
  };

  for (const s of steps) {
    at += s.gapMs;
    if (!loggedIn) {
      if (s.choice < 30 && periods.length > 0) {
        emit('HEART_BEAT'); // up to an hour after logout, with the status Connect kept
        continue;
      }
      const kept = s.pick % 4 === 0 ? status : s.pick % 4 === 1 ? 'Available' : 'Offline';
      status = kept;
      contacts = s.pick % 5 < 2 ? leftAtLogout.map((c) => ({ ...c, state: c.connected ? 'ENDED' : c.state })) : [];
      leftAtLogout = [];
      loggedIn = true;
      loginAt = at;
      emit('LOGIN');
      continue;
    }
    const c = s.choice;
    if (c < 6) {
      // LOGOUT: through Offline first, with the status kept, or while contacts are still listed
      const how = s.pick % 3;
      if (how === 0) status = 'Offline';
      if (how !== 2) contacts = [];
      emit('LOGOUT');
      leftAtLogout = contacts;
      contacts = [];
      periods.push([loginAt, at]);
      loggedIn = false;
      continue;
    }
    if (c < 20) status = STATUSES[s.pick % STATUSES.length]![0];
    else if (c < 40 && contacts.length < 3) {
      const fresh = newContact(`${agent}-c${seq}`, s.pick, contacts);
      if (fresh) contacts = [...contacts, fresh];
    } else if (c < 85 && contacts.length > 0) {
      const i = s.pick % contacts.length;
      const next = advance(contacts[i]!, s.pick);
      contacts = next === null ? contacts.filter((_, j) => j !== i) : contacts.map((x, j) => (j === i ? next : x));
    } else {
      emit('HEART_BEAT'); // same snapshot, or catches up a silent change
      continue;
    }
    emit(s.silent ? 'HEART_BEAT' : 'STATE_CHANGE');
  }
  if (loggedIn) {
    at += 1000;
    contacts = [];
    status = 'Offline';
    emit('LOGOUT');
    periods.push([loginAt, at]);
  }
  scenario.sessions.set(agent, periods);
  scenario.connected.set(agent, connected);
  scenario.notTaken.set(agent, notTaken);
}

const DIALS = new Set(['OUTBOUND', 'CALLBACK']);

/** The contact's next state, or null when the agent clears it. */
function advance(c: GenContact, pick: number): GenContact | null {
  const to = (state: string): GenContact => ({ ...c, state, connected: c.connected || ['CONNECTED', 'CONNECTED_ONHOLD', 'PAUSED'].includes(state) });
  switch (c.state) {
    case 'INCOMING': // a callback offered: the agent accepts and Connect dials, or it is missed
      return pick % 5 === 0 ? to('MISSED') : to('CONNECTING');
    case 'CONNECTING':
      if (DIALS.has(c.initiationMethod ?? '')) return pick % 4 === 0 ? to('ENDED') : pick % 9 === 0 ? to('ERROR') : to('CONNECTED');
      if (pick % 5 === 0) return to(c.channel === 'VOICE' ? 'MISSED' : 'REJECTED'); // voice never shows REJECTED
      return pick % 7 === 0 ? to('ERROR') : to('CONNECTED');
    case 'CONNECTED':
      if (c.initiationMethod === 'MONITOR') return pick % 2 === 0 ? null : to('ENDED');
      if (pick % 3 === 0) return to(c.channel === 'TASK' ? 'PAUSED' : c.channel === 'VOICE' ? 'CONNECTED_ONHOLD' : 'ENDED');
      return to('ENDED');
    case 'CONNECTED_ONHOLD':
    case 'PAUSED':
      return pick % 4 === 0 ? to('ENDED') : to('CONNECTED');
    default:
      return null; // ENDED, MISSED, REJECTED, ERROR: the contact is cleared
  }
}

/** A permutation of `items` split into batches, with some items delivered several times. */
export function deliveryArb<T>(items: readonly T[]): fc.Arbitrary<T[][]> {
  return fc
    .tuple(
      fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length }),
      fc.array(fc.nat(items.length - 1), { maxLength: Math.max(1, Math.floor(items.length / 3)) }),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }),
    )
    .map(([order, dupes, sizes]) => {
      const all = [...order, ...dupes.map((i) => items[i]!)];
      const batches: T[][] = [];
      for (let i = 0, k = 0; i < all.length; k++) {
        const n = sizes[k % sizes.length]!;
        batches.push(all.slice(i, i + n));
        i += n;
      }
      return batches;
    });
}
