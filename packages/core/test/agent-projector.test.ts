import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { foldAgentEvents, type Interval } from '@switchboard/core';
import { agentEvent, agentArn } from './builders.js';
import { agentFacts } from './harness.js';

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0); // 09:00 in Tokyo
const t = (seconds: number) => T0 + seconds * 1000;

function fold(...events: Array<Record<string, unknown>>) {
  return foldAgentEvents(agentFacts(events));
}

function pick(intervals: Interval[], dimension: Interval['dimension']) {
  return intervals
    .filter((i) => i.dimension === dimension)
    .map((i) => ({ name: i.name, contactId: i.contactId, start: (i.start - T0) / 1000, end: (i.end - T0) / 1000 }));
}

describe('agent projector: a voice call with a hold and after-contact work', () => {
  // Given an agent who logs in, becomes Available, takes a call, holds it once,
  // ends it, does ACW and clears the contact
  const events = [
    agentEvent({ type: 'LOGIN', at: t(0), status: 'Offline' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(60), status: 'Available' }),
    agentEvent({ type: 'STATE_CHANGE', at: t(120), contacts: [{ id: 'c1', state: 'CONNECTING' }] }),
    agentEvent({ type: 'STATE_CHANGE', at: t(130), contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
    agentEvent({ type: 'STATE_CHANGE', at: t(200), contacts: [{ id: 'c1', state: 'CONNECTED_ONHOLD' }] }),
    agentEvent({ type: 'STATE_CHANGE', at: t(245), contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
    agentEvent({ type: 'STATE_CHANGE', at: t(300), contacts: [{ id: 'c1', state: 'ENDED' }] }),
    agentEvent({ type: 'STATE_CHANGE', at: t(330), contacts: [] }),
    agentEvent({ type: 'LOGOUT', at: t(400), status: 'Offline' }),
  ];

  it('then the activity intervals follow the contact, with hold boundaries at event times', () => {
    const { outputs } = fold(...events);
    expect(pick(outputs.intervals, 'activity')).toEqual([
      { name: 'Offline', contactId: null, start: 0, end: 60 },
      { name: 'Available', contactId: null, start: 60, end: 120 },
      { name: 'Incoming', contactId: null, start: 120, end: 130 },
      { name: 'OnContact', contactId: null, start: 130, end: 200 },
      { name: 'OnHold', contactId: null, start: 200, end: 245 },
      { name: 'OnContact', contactId: null, start: 245, end: 300 },
      { name: 'AfterContactWork', contactId: null, start: 300, end: 330 },
      { name: 'Available', contactId: null, start: 330, end: 400 },
    ]);
  });

  it('then the status stays Available through the call (Connect does not change it)', () => {
    const { outputs } = fold(...events);
    expect(pick(outputs.intervals, 'status')).toEqual([
      { name: 'Offline', contactId: null, start: 0, end: 60 },
      { name: 'Available', contactId: null, start: 60, end: 400 },
    ]);
  });

  it('then the contact has one interval per state, the last ending when it leaves Contacts[]', () => {
    const { outputs } = fold(...events);
    expect(pick(outputs.intervals, 'contact')).toEqual([
      { name: 'CONNECTING', contactId: 'c1', start: 120, end: 130 },
      { name: 'CONNECTED', contactId: 'c1', start: 130, end: 200 },
      { name: 'CONNECTED_ONHOLD', contactId: 'c1', start: 200, end: 245 },
      { name: 'CONNECTED', contactId: 'c1', start: 245, end: 300 },
      { name: 'ENDED', contactId: 'c1', start: 300, end: 330 },
    ]);
  });

  it('then one hold and one handled contact are counted at the moments they happen', () => {
    const { outputs } = fold(...events);
    expect(outputs.tallies.map((x) => [x.kind, (x.at - T0) / 1000])).toEqual([
      ['hold', 200],
      ['handled', 300],
    ]);
  });

  it('then after LOGOUT the agent is logged out with nothing open', () => {
    const { state } = fold(...events);
    expect(state).toMatchObject({ loggedIn: false, contacts: [], status: { name: 'Offline', since: t(400) } });
  });
});

describe('agent projector: sessions', () => {
  it('given LOGOUT while on a call, when it is applied, then every open interval closes at the logout time', () => {
    const { outputs, state } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(10), contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
      agentEvent({ type: 'LOGOUT', at: t(50) }),
    );
    expect(outputs.intervals.every((i) => i.end <= t(50))).toBe(true);
    expect(pick(outputs.intervals, 'contact')).toEqual([{ name: 'CONNECTED', contactId: 'c1', start: 10, end: 50 }]);
    expect(outputs.tallies.filter((x) => x.kind === 'handled').map((x) => x.at)).toEqual([t(50)]);
    expect(state?.loggedIn).toBe(false);
  });

  it.each(['Offline', 'Available', 'Break'])(
    'given heartbeats after LOGOUT showing %s (Connect keeps the status and sends them for up to an hour), then no time is counted',
    (status) => {
      const { outputs, state } = fold(
        agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
        agentEvent({ type: 'LOGOUT', at: t(100), status }),
        agentEvent({ type: 'HEART_BEAT', at: t(220), status }),
        agentEvent({ type: 'HEART_BEAT', at: t(340), status }),
      );
      expect(outputs.intervals.length).toBeGreaterThan(0);
      expect(outputs.intervals.map((i) => i.end).every((e) => e <= t(100))).toBe(true);
      expect(state).toMatchObject({ loggedIn: false, lastEventAt: t(340), status: { name: status } });
    },
  );

  it('given a heartbeat whose snapshot differs from the projection (missed events), then it counts as a state change at its time', () => {
    const { outputs, state } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'HEART_BEAT', at: t(120), status: 'Break' }),
      agentEvent({ type: 'HEART_BEAT', at: t(240), status: 'Break' }),
    );
    expect(pick(outputs.intervals, 'status')).toEqual([{ name: 'Available', contactId: null, start: 0, end: 120 }]);
    expect(state?.status).toEqual({ name: 'Break', type: 'CUSTOM', since: t(120) });
  });

  it('given the stream starts mid-session (no LOGIN seen), then the first event showing activity opens the session', () => {
    const { outputs, state } = fold(
      agentEvent({ type: 'STATE_CHANGE', at: t(0), status: 'Available', contacts: [{ id: 'c1', state: 'ENDED' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(5.005), status: 'Available' }),
    );
    expect(pick(outputs.intervals, 'contact')).toEqual([{ name: 'ENDED', contactId: 'c1', start: 0, end: 5.005 }]);
    expect(state?.loggedIn).toBe(true);
  });

  it('given an Offline heartbeat for an agent never seen, then no session is opened', () => {
    const { state, outputs } = fold(agentEvent({ type: 'HEART_BEAT', at: t(0), status: 'Offline' }));
    expect(state?.loggedIn).toBe(false);
    expect(outputs.intervals).toEqual([]);
  });

  it('given older payloads without AgentStatus.Type, then the type is inferred from the built-in names', () => {
    const { state } = fold(agentEvent({ type: 'LOGIN', at: t(0), status: 'Lunch', statusType: null }));
    expect(state?.status).toMatchObject({ name: 'Lunch', type: 'CUSTOM' });
  });
});

describe('agent projector: breaks, missed calls, chats and transfers', () => {
  it('given a break, then status and activity show the custom status', () => {
    const { outputs } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(100), status: 'Break' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(1000), status: 'Available' }),
    );
    expect(pick(outputs.intervals, 'status')).toContainEqual({ name: 'Break', contactId: null, start: 100, end: 1000 });
    expect(pick(outputs.intervals, 'activity')).toContainEqual({ name: 'Break', contactId: null, start: 100, end: 1000 });
  });

  it('given a call that rings and is missed, then activity is Missed and it is not a handled contact', () => {
    const { outputs } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(10), contacts: [{ id: 'c1', state: 'CONNECTING' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(30), contacts: [{ id: 'c1', state: 'MISSED' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(35), contacts: [] }),
    );
    expect(pick(outputs.intervals, 'activity').map((a) => a.name)).toEqual(['Available', 'Incoming', 'Missed']);
    // not handled; one agent non-response, when it went MISSED
    expect(outputs.tallies.map((x) => [x.kind, x.contactId, (x.at - T0) / 1000])).toEqual([['nonResponse', 'c1', 30]]);
  });

  it('given concurrent chats, then activity follows the first matching rule across contacts', () => {
    const { outputs } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(10), contacts: [{ id: 'a', state: 'CONNECTED', channel: 'CHAT' }] }),
      agentEvent({
        type: 'STATE_CHANGE',
        at: t(20),
        contacts: [
          { id: 'a', state: 'CONNECTED', channel: 'CHAT' },
          { id: 'b', state: 'CONNECTED', channel: 'CHAT' },
        ],
      }),
      agentEvent({
        type: 'STATE_CHANGE',
        at: t(50),
        contacts: [
          { id: 'a', state: 'ENDED', channel: 'CHAT' },
          { id: 'b', state: 'CONNECTED', channel: 'CHAT' },
        ],
      }),
      agentEvent({ type: 'STATE_CHANGE', at: t(60), contacts: [{ id: 'b', state: 'ENDED', channel: 'CHAT' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(70), contacts: [] }),
    );
    expect(pick(outputs.intervals, 'activity')).toEqual([
      { name: 'Available', contactId: null, start: 0, end: 10 },
      { name: 'OnContact', contactId: null, start: 10, end: 60 },
      { name: 'AfterContactWork', contactId: null, start: 60, end: 70 },
    ]);
    // chat "a" leaves Contacts[] at 60, while "b" goes to ACW
    expect(pick(outputs.intervals, 'contact').sort((x, y) => x.start - y.start)).toEqual([
      { name: 'CONNECTED', contactId: 'a', start: 10, end: 50 },
      { name: 'CONNECTED', contactId: 'b', start: 20, end: 60 },
      { name: 'ENDED', contactId: 'a', start: 50, end: 60 },
      { name: 'ENDED', contactId: 'b', start: 60, end: 70 },
    ]);
    expect(outputs.tallies.filter((x) => x.kind === 'handled').map((x) => [x.contactId, (x.at - T0) / 1000])).toEqual([
      ['a', 50],
      ['b', 60],
    ]);
  });

  it('given a transfer, then the first agent handles the original contact and the second a TRANSFER contact', () => {
    const first = fold(
      agentEvent({ type: 'LOGIN', at: t(0), agent: 'a1', status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(10), agent: 'a1', contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(100), agent: 'a1', contacts: [] }),
    );
    const second = fold(
      agentEvent({ type: 'LOGIN', at: t(0), agent: 'a2', status: 'Available' }),
      agentEvent({
        type: 'STATE_CHANGE',
        at: t(95),
        agent: 'a2',
        contacts: [{ id: 'c2', state: 'CONNECTING', initiationMethod: 'TRANSFER', initialContactId: 'c1' }],
      }),
      agentEvent({
        type: 'STATE_CHANGE',
        at: t(100),
        agent: 'a2',
        contacts: [{ id: 'c2', state: 'CONNECTED', initiationMethod: 'TRANSFER', initialContactId: 'c1' }],
      }),
    );
    expect(first.outputs.tallies).toMatchObject([{ kind: 'handled', contactId: 'c1', at: t(100) }]);
    expect(first.state?.agentArn).toBe(agentArn('a1'));
    expect(second.state?.contacts).toMatchObject([{ contactId: 'c2', state: 'CONNECTED', initialContactId: 'c1', initiationMethod: 'TRANSFER' }]);
  });
});

describe('agent projector: the admin guide example', () => {
  it('given the "Determine ACW time" events, then ACW lasts 5.005 s as the guide computes', () => {
    const lines = readFileSync(new URL('../../../test/fixtures/agent-events.doc-examples.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const { outputs } = foldAgentEvents(agentFacts(lines.slice(1)));
    const acw = outputs.intervals.find((i) => i.dimension === 'contact' && i.name === 'ENDED');
    expect(acw && (acw.end - acw.start) / 1000).toBe(5.005);
  });
});

describe('agent projector: impossible sequences are handled deterministically', () => {
  it('given ENDED before CONNECTED, then the snapshots are followed as observed and the contact counts once', () => {
    const { outputs } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(10), contacts: [{ id: 'c1', state: 'ENDED' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(20), contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
      agentEvent({ type: 'STATE_CHANGE', at: t(30), contacts: [] }),
    );
    expect(pick(outputs.intervals, 'contact').map((i) => i.name)).toEqual(['ENDED', 'CONNECTED']);
    expect(outputs.tallies.filter((x) => x.kind === 'handled').map((x) => x.at)).toEqual([t(10)]);
  });

  it('given LOGOUT twice, then the second changes nothing but the displayed status', () => {
    const once = fold(agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }), agentEvent({ type: 'LOGOUT', at: t(100) }));
    const twice = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'LOGOUT', at: t(100) }),
      agentEvent({ type: 'LOGOUT', at: t(200) }),
    );
    expect(twice.outputs).toEqual(once.outputs);
    expect(twice.state).toMatchObject({ loggedIn: false, status: { name: 'Offline', since: t(200) } });
  });

  it('given status changes after LOGOUT, then they open no session; an event listing contacts does (a missed LOGIN)', () => {
    const { outputs, state } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' }),
      agentEvent({ type: 'LOGOUT', at: t(100), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(150), status: 'Offline' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(200), status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: t(250), status: 'Available', contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
      agentEvent({ type: 'LOGOUT', at: t(300) }),
    );
    expect(pick(outputs.intervals, 'status')).toEqual([
      { name: 'Available', contactId: null, start: 0, end: 100 },
      { name: 'Available', contactId: null, start: 250, end: 300 },
    ]);
    expect(state?.loggedIn).toBe(false);
  });

  it('given StateStartTimestamp skewed from EventTimestamp, then boundaries still come from EventTimestamp', () => {
    const skewed = agentEvent({ type: 'STATE_CHANGE', at: t(60), contacts: [{ id: 'c1', state: 'CONNECTED_ONHOLD' }] });
    const snapshot = skewed.CurrentAgentSnapshot as { Contacts: Array<{ StateStartTimestamp: string }> };
    snapshot.Contacts[0]!.StateStartTimestamp = new Date(t(-3600)).toISOString();
    const { outputs } = fold(
      agentEvent({ type: 'LOGIN', at: t(0), status: 'Available', contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
      skewed,
      agentEvent({ type: 'STATE_CHANGE', at: t(90), contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
    );
    expect(pick(outputs.intervals, 'contact')).toEqual([
      { name: 'CONNECTED', contactId: 'c1', start: 0, end: 60 },
      { name: 'CONNECTED_ONHOLD', contactId: 'c1', start: 60, end: 90 },
    ]);
  });

  it('given two events with the same timestamp, then EventId breaks the tie whatever the delivery order', () => {
    const a = agentEvent({ type: 'STATE_CHANGE', at: t(10), status: 'Break', eventId: 'e-a' });
    const b = agentEvent({ type: 'STATE_CHANGE', at: t(10), status: 'Lunch', eventId: 'e-b' });
    const login = agentEvent({ type: 'LOGIN', at: t(0), status: 'Available' });
    const end = agentEvent({ type: 'LOGOUT', at: t(20) });
    expect(fold(login, a, b, end)).toEqual(fold(end, b, login, a));
    expect(fold(login, b, a, end).state?.status).toMatchObject({ name: 'Offline' });
  });
});
