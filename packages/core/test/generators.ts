import fc from 'fast-check';
import { agentEvent, type ContactSpec } from './builders.js';

/**
 * Valid agent event sequences for property tests. fast-check draws a list of
 * choices; `interpret` turns them into the events a real CCP session emits:
 * logins, status changes, calls and chats through their states (ringing,
 * connected, holds, ACW, missed), heartbeats (some carrying a change that the
 * preceding STATE_CHANGE missed), and logouts. Every sequence ends logged out.
 */
export interface Scenario {
  events: Array<Record<string, unknown>>;
  /** logged-in periods per agent ARN suffix, [start, end) in ms */
  sessions: Map<string, Array<[number, number]>>;
}

const STATUSES = ['Available', 'Available', 'Break', 'Lunch', 'Offline'] as const;
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
    const events: Array<Record<string, unknown>> = [];
    const sessions = new Map<string, Array<[number, number]>>();
    agents.forEach((steps, i) => interpret(`agent-${i}`, steps, events, sessions));
    return { events, sessions };
  });

function interpret(
  agent: string,
  steps: Array<{ choice: number; pick: number; gapMs: number; silent: boolean }>,
  events: Array<Record<string, unknown>>,
  sessions: Map<string, Array<[number, number]>>,
): void {
  let at = T0;
  let loggedIn = false;
  let loginAt = 0;
  let status = 'Available';
  let contacts: ContactSpec[] = [];
  let seq = 0;
  const periods: Array<[number, number]> = [];
  const emit = (type: 'LOGIN' | 'LOGOUT' | 'STATE_CHANGE' | 'HEART_BEAT') =>
    events.push(agentEvent({ type, at, agent, status, contacts: contacts.map((c) => ({ ...c })), eventId: `${agent}-${seq++}` }));

  for (const s of steps) {
    at += s.gapMs;
    if (!loggedIn) {
      status = s.pick % 3 === 0 ? 'Offline' : 'Available';
      contacts = [];
      loggedIn = true;
      loginAt = at;
      emit('LOGIN');
      continue;
    }
    const c = s.choice;
    if (c < 5) {
      status = 'Offline';
      contacts = [];
      emit('LOGOUT');
      periods.push([loginAt, at]);
      loggedIn = false;
      continue;
    }
    if (c < 20) status = STATUSES[s.pick % STATUSES.length]!;
    else if (c < 40 && contacts.length < 3) {
      const channel = contacts.some((x) => x.channel === 'VOICE') || s.pick % 2 === 0 ? 'CHAT' : 'VOICE';
      contacts = [...contacts, { id: `${agent}-c${seq}`, state: s.pick % 4 === 0 ? 'INCOMING' : 'CONNECTING', channel }];
    } else if (c < 85 && contacts.length > 0) {
      const i = s.pick % contacts.length;
      const next = advance(contacts[i]!.state, s.pick);
      contacts = next === null ? contacts.filter((_, j) => j !== i) : contacts.map((x, j) => (j === i ? { ...x, state: next } : x));
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
  sessions.set(agent, periods);
}

function advance(state: string, pick: number): string | null {
  switch (state) {
    case 'INCOMING':
    case 'CONNECTING':
      return pick % 5 === 0 ? 'MISSED' : pick % 7 === 0 ? 'ERROR' : 'CONNECTED';
    case 'CONNECTED':
      return pick % 3 === 0 ? 'CONNECTED_ONHOLD' : 'ENDED';
    case 'CONNECTED_ONHOLD':
      return pick % 4 === 0 ? 'ENDED' : 'CONNECTED';
    default:
      return null; // ENDED, MISSED, ERROR: the contact is cleared
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
