/**
 * The scenarios of the Connect parity audit (S1-S13, C1), each as given
 * events / when projected / then Amazon Connect's numbers (docs/metrics.md).
 * Every agent scenario runs through the pure fold and through the SQLite
 * engine, and both must give the same report.
 */
import { describe, expect, it } from 'vitest';
import {
  alertsForContacts,
  BucketCalendar,
  buildFunnel,
  buildReport,
  foldAgentEvents,
  formatLocal,
  parseRecord,
  parseRules,
  projectContact,
  queryAgents,
  queryReport,
  REPORT_METRIC_TABLE,
  type Interval,
  type ReportRow,
  type RulesInput,
} from '@switchboard/core';
import { agentEvent, contactRecord, type AgentEventSpec, type ContactRecordSpec } from './builders.js';
import { agentFacts, candidate, localEngine } from './harness.js';

const DAY = '2024-04-18';
const at = (hms: string, day = DAY) => `${day}T${hms.length === 5 ? `${hms}:00` : hms}.000Z`;
const ev = (spec: Omit<AgentEventSpec, 'at'> & { at: string }) => agentEvent({ agent: 'sb1', ...spec });

/** Projects the events through the pure fold and the SQLite engine; returns the engine's views, checked equal to the fold's report. */
async function project(events: Array<Record<string, unknown>>, rulesInput: RulesInput = {}, bucketMinutes = 15) {
  const { store, engine, rules } = localEngine(rulesInput);
  await engine.ingestBatch(events.map((e, i) => candidate(e, i + 1)));
  const report = await queryReport(store, rules, { bucketMinutes });
  const fold = foldAgentEvents(agentFacts(events), rules);
  const agents = await queryAgents(store);
  if (agents.every((a) => !a.loggedIn)) {
    expect(buildReport(fold.outputs.intervals, fold.outputs.tallies, { zone: rules.timezone, bucketMinutes })).toEqual(report);
  }
  return { report, agents, intervals: fold.outputs.intervals, tallies: fold.outputs.tallies, store, rules };
}

function named(intervals: Interval[], dimension: Interval['dimension']) {
  return intervals
    .filter((i) => i.dimension === dimension)
    .sort((a, b) => a.start - b.start)
    .map((i) => [i.name, new Date(i.start).toISOString().slice(11, 19), (i.end - i.start) / 1000]);
}

/** The report's metrics without the per-name maps. */
function metrics(r: ReportRow) {
  const { agentArn: _a, username: _u, statusSeconds: _s, activitySeconds: _x, ...rest } = r;
  return rest;
}

/** A report row's metrics, all zero (occupancy: none). */
const ZERO = Object.fromEntries(REPORT_METRIC_TABLE.map((m) => [m.field, m.unit === 'ratio' ? null : 0]));

describe('S1: concurrent chats, one missed', () => {
  const chat = (id: string, state: string) => ({ id, state, channel: 'CHAT' });
  const events = [
    ev({ type: 'LOGIN', at: at('10:00') }),
    ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: [chat('C1', 'CONNECTED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:02'), contacts: [chat('C1', 'CONNECTED'), chat('C2', 'CONNECTING')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:02:30'), contacts: [chat('C1', 'CONNECTED'), chat('C2', 'MISSED')] }),
    ev({ type: 'HEART_BEAT', at: at('10:03'), contacts: [chat('C1', 'CONNECTED'), chat('C2', 'MISSED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:04'), contacts: [chat('C1', 'CONNECTED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:05'), contacts: [chat('C1', 'ENDED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:06'), contacts: [chat('C1', 'ENDED'), chat('C3', 'CONNECTING')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:06:30'), contacts: [chat('C1', 'ENDED'), chat('C3', 'CONNECTED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:07'), contacts: [chat('C3', 'CONNECTED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:08'), contacts: [chat('C3', 'ENDED')] }),
    ev({ type: 'STATE_CHANGE', at: at('10:09'), contacts: [] }),
    ev({ type: 'LOGOUT', at: at('10:10') }),
  ];

  it('given a missed chat beside a connected one, when projected up to 10:03, then the activity is Missed (it outranks on contact)', async () => {
    const { agents } = await project(events.slice(0, 5));
    expect(agents[0]!.activity).toEqual({ name: 'Missed', since: at('10:02:30') });
  });

  it('given the whole session, then the activity follows Connect precedence: Missed over on contact, ACW over Incoming', async () => {
    const { intervals, report } = await project(events);
    expect(named(intervals, 'activity')).toEqual([
      ['Available', '10:00:00', 60],
      ['OnContact', '10:01:00', 90],
      ['Missed', '10:02:30', 90],
      ['OnContact', '10:04:00', 60],
      ['AfterContactWork', '10:05:00', 90],
      ['OnContact', '10:06:30', 90],
      ['AfterContactWork', '10:08:00', 60],
      ['Available', '10:09:00', 60],
    ]);
    expect(report.map(metrics)).toEqual([
      {
        ...ZERO,
        bucketStart: '2024-04-18T10:00:00+00:00',
        bucketEnd: '2024-04-18T10:15:00+00:00',
        onlineSeconds: 600,
        idleSeconds: 210, // Available 120 + Missed 90
        onContactSeconds: 390,
        afterContactWorkSeconds: 180,
        contactsHandled: 2,
        agentNonResponse: 1,
        occupancy: 0.65,
      },
    ]);
  });
});

describe('S2: a contact in error', () => {
  it('given ringing then ERROR while Available, then ring and error time are idle, and error time is counted', async () => {
    const { intervals, report } = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: [{ id: 'C1', state: 'CONNECTING' }] }),
      ev({ type: 'STATE_CHANGE', at: at('10:01:20'), contacts: [{ id: 'C1', state: 'ERROR' }] }),
      ev({ type: 'STATE_CHANGE', at: at('10:03'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:05') }),
    ]);
    expect(named(intervals, 'activity')).toEqual([
      ['Available', '10:00:00', 60],
      ['Incoming', '10:01:00', 20],
      ['Error', '10:01:20', 100],
      ['Available', '10:03:00', 120],
    ]);
    expect(metrics(report[0]!)).toMatchObject({ onlineSeconds: 300, idleSeconds: 300, errorSeconds: 100, onContactSeconds: 0, occupancy: 0 });
  });
});

describe('S3: an outbound call while in a custom status', () => {
  it('given Break throughout, then the dial is on contact (not Incoming), the time is non-productive and not on-contact time', async () => {
    const out = (state: string, connected?: boolean) => [{ id: 'C1', state, initiationMethod: 'OUTBOUND', connected }];
    const { intervals, report } = await project([
      ev({ type: 'LOGIN', at: at('10:00'), status: 'Break' }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), status: 'Break', contacts: out('CONNECTING') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01:30'), status: 'Break', contacts: out('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:03'), status: 'Break', contacts: out('ENDED', true) }),
      ev({ type: 'STATE_CHANGE', at: at('10:04'), status: 'Break', contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:05'), status: 'Break' }),
    ]);
    expect(named(intervals, 'activity')).toEqual([
      ['Break', '10:00:00', 60],
      ['OnContact', '10:01:00', 120],
      ['AfterContactWork', '10:03:00', 60],
      ['Break', '10:04:00', 60],
    ]);
    expect(metrics(report[0]!)).toMatchObject({
      onlineSeconds: 300,
      nonProductiveSeconds: 300,
      idleSeconds: 0,
      onContactSeconds: 0,
      occupancy: null,
      contactsHandled: 1,
      afterContactWorkSeconds: 60,
    });
  });
});

describe('S4: a renamed routable status', () => {
  const session = (agent: string, statusType: string | null) => [
    agentEvent({ type: 'LOGIN', agent, at: at('10:00'), status: 'Ready', statusType }),
    agentEvent({ type: 'LOGOUT', agent, at: at('10:10'), status: 'Ready', statusType }),
  ];

  it('given "Ready" typed ROUTABLE, then it is idle time, not non-productive', async () => {
    const { report } = await project(session('rdy1', 'ROUTABLE'));
    expect(metrics(report[0]!)).toMatchObject({ onlineSeconds: 600, idleSeconds: 600, nonProductiveSeconds: 0 });
  });

  it('given "Ready" without a Type, then it is a custom status unless the rules type it (statusTypes)', async () => {
    const untyped = await project(session('rdy2', null));
    expect(metrics(untyped.report[0]!)).toMatchObject({ idleSeconds: 0, nonProductiveSeconds: 600 });
    const typed = await project(session('rdy2', null), { statusTypes: { Ready: 'ROUTABLE' } });
    expect(metrics(typed.report[0]!)).toMatchObject({ onlineSeconds: 600, idleSeconds: 600, nonProductiveSeconds: 0 });
    expect(typed.agents[0]!.status).toMatchObject({ name: 'Ready', type: 'ROUTABLE' });
  });
});

describe('S5: a paused task', () => {
  it('given a task paused for three minutes, then the pause is on contact', async () => {
    const task = (state: string) => [{ id: 'T1', state, channel: 'TASK', initiationMethod: 'API' }];
    const { intervals, report } = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: task('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:02'), contacts: task('PAUSED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:05'), contacts: task('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:06'), contacts: task('ENDED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:07'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:08') }),
    ]);
    expect(named(intervals, 'activity').map(([n, , s]) => [n, s])).toEqual([
      ['Available', 60],
      ['OnContact', 60],
      ['Paused', 180],
      ['OnContact', 60],
      ['AfterContactWork', 60],
      ['Available', 60],
    ]);
    expect(metrics(report[0]!)).toMatchObject({ onlineSeconds: 480, idleSeconds: 120, onContactSeconds: 360, contactsHandled: 1, occupancy: 0.75 });
  });
});

describe('S6: heartbeats after LOGOUT with the status Connect kept', () => {
  const loggedOut = [ev({ type: 'LOGIN', at: at('10:00') }), ev({ type: 'LOGOUT', at: at('10:10'), status: 'Available' })];
  for (let m = 12; m <= 70; m += 2) loggedOut.push(ev({ type: 'HEART_BEAT', at: at(`${m < 60 ? '10' : '11'}:${String(m % 60).padStart(2, '0')}`) }));
  const nextDay = '2024-04-19';
  const again = [
    ev({ type: 'LOGIN', at: at('09:00', nextDay) }),
    ev({ type: 'STATE_CHANGE', at: at('09:30', nextDay), status: 'Break' }),
    ev({ type: 'LOGOUT', at: at('09:45', nextDay), status: 'Break' }),
  ];

  it('given an hour of Available heartbeats after LOGOUT, then the agent is logged out and only the session counts', async () => {
    const { agents, report } = await project(loggedOut);
    expect(agents[0]).toMatchObject({ loggedIn: false, status: { name: 'Available' } });
    expect(report.map((r) => [r.bucketStart, r.onlineSeconds, r.idleSeconds])).toEqual([['2024-04-18T10:00:00+00:00', 600, 600]]);
  });

  it('given the next day’s session (S6b), then the two days hold 10 and 45 minutes online', async () => {
    const { intervals, report } = await project([...loggedOut, ...again], {}, 1440);
    expect(named(intervals, 'status')).toEqual([
      ['Available', '10:00:00', 600],
      ['Available', '09:00:00', 1800],
      ['Break', '09:30:00', 900],
    ]);
    expect(report.map((r) => [r.bucketStart.slice(0, 10), r.onlineSeconds, r.idleSeconds, r.nonProductiveSeconds])).toEqual([
      ['2024-04-18', 600, 600, 0],
      ['2024-04-19', 2700, 1800, 900],
    ]);
  });
});

describe('S7: LOGOUT in the middle of a call, back in during its ACW', () => {
  it('given the contact seen again after the re-login, then it is handled once, at the logout', async () => {
    const { report, tallies } = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: [{ id: 'C1', state: 'CONNECTED' }] }),
      ev({ type: 'LOGOUT', at: at('10:02'), status: 'Available', contacts: [{ id: 'C1', state: 'CONNECTED' }] }),
      ev({ type: 'LOGIN', at: at('10:03'), contacts: [{ id: 'C1', state: 'ENDED' }] }),
      ev({ type: 'STATE_CHANGE', at: at('10:04'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:05') }),
    ]);
    expect(tallies.filter((t) => t.kind === 'handled').map((t) => new Date(t.at).toISOString())).toEqual([at('10:02')]);
    expect(metrics(report[0]!)).toMatchObject({ onlineSeconds: 240, onContactSeconds: 120, afterContactWorkSeconds: 60, contactsHandled: 1 });
  });
});

describe('S8: a morning of heartbeats', () => {
  it('given Available since 09:00 with only heartbeats, then the report counts each bucket up to the last heartbeat; --closed has nothing', async () => {
    const events = [ev({ type: 'LOGIN', at: at('09:00') })];
    for (let m = 2; m <= 60; m += 2) events.push(ev({ type: 'HEART_BEAT', at: at(m < 60 ? `09:${String(m).padStart(2, '0')}` : '10:00') }));
    const { report, store, rules } = await project(events);
    expect(report.map((r) => [r.bucketStart.slice(11, 16), r.onlineSeconds, r.idleSeconds])).toEqual([
      ['09:00', 900, 900],
      ['09:15', 900, 900],
      ['09:30', 900, 900],
      ['09:45', 900, 900],
    ]);
    expect(await queryReport(store, rules, { closed: true })).toEqual([]);
  });
});

describe('S9: a supervisor monitoring a call', () => {
  it('given a MONITOR contact, then the activity is Monitoring, it is time on contact, and no contact is handled', async () => {
    const monitor = [{ id: 'M1', state: 'CONNECTED', initiationMethod: 'MONITOR' }];
    const { intervals, report } = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: monitor }),
      ev({ type: 'STATE_CHANGE', at: at('10:05'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:06') }),
    ]);
    expect(named(intervals, 'activity')).toContainEqual(['Monitoring', '10:01:00', 240]);
    expect(metrics(report[0]!)).toMatchObject({ onContactSeconds: 240, idleSeconds: 120, contactsHandled: 0 });
  });
});

describe('S10: holds across a bucket edge', () => {
  it('given two holds before 10:15 and one after, then hold time lands where it happens and the contact is handled at ENDED', async () => {
    const call = (state: string) => [{ id: 'C1', state }];
    const { report } = await project([
      ev({ type: 'LOGIN', at: at('10:10') }),
      ev({ type: 'STATE_CHANGE', at: at('10:12'), contacts: call('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:13'), contacts: call('CONNECTED_ONHOLD') }),
      ev({ type: 'STATE_CHANGE', at: at('10:13:30'), contacts: call('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:14'), contacts: call('CONNECTED_ONHOLD') }),
      ev({ type: 'STATE_CHANGE', at: at('10:16'), contacts: call('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:17'), contacts: call('ENDED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:18'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:20') }),
    ]);
    expect(report.map((r) => [r.bucketStart.slice(11, 16), r.holdSeconds, r.holds, r.afterContactWorkSeconds, r.contactsHandled])).toEqual([
      ['10:00', 90, 2, 0, 0],
      ['10:15', 60, 0, 60, 1],
    ]);
  });
});

describe('S11: a dial that never connects', () => {
  it('given CONNECTING -> ENDED without ConnectedToAgentTimestamp, then nothing is handled; the dial itself was on contact', async () => {
    const out = (state: string) => [{ id: 'C1', state, initiationMethod: 'OUTBOUND', connected: false }];
    const { intervals, report } = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: out('CONNECTING') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01:40'), contacts: out('ENDED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:02'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:05') }),
    ]);
    expect(named(intervals, 'activity').map(([n, , s]) => [n, s])).toEqual([
      ['Available', 60],
      ['OnContact', 40],
      ['AfterContactWork', 20],
      ['Available', 180],
    ]);
    expect(metrics(report[0]!)).toMatchObject({ contactsHandled: 0, onContactSeconds: 60, idleSeconds: 240 });
  });
});

describe('S12: connecting time', () => {
  it('given an inbound call ringing 30 s, then that is Incoming (idle); a callback offered then dialled is Incoming, then on contact', async () => {
    const inbound = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: [{ id: 'C1', state: 'CONNECTING' }] }),
      ev({ type: 'STATE_CHANGE', at: at('10:01:30'), contacts: [{ id: 'C1', state: 'CONNECTED' }] }),
      ev({ type: 'STATE_CHANGE', at: at('10:02'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:03') }),
    ]);
    expect(named(inbound.intervals, 'activity')).toContainEqual(['Incoming', '10:01:00', 30]);
    expect(named(inbound.intervals, 'contact')).toEqual([
      ['CONNECTING', '10:01:00', 30],
      ['CONNECTED', '10:01:30', 30],
    ]);
    const cb = (state: string) => [{ id: 'CB1', state, initiationMethod: 'CALLBACK' }];
    const callback = await project([
      ev({ type: 'LOGIN', at: at('10:00') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01'), contacts: cb('INCOMING') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01:10'), contacts: cb('CONNECTING') }),
      ev({ type: 'STATE_CHANGE', at: at('10:01:40'), contacts: cb('CONNECTED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:03'), contacts: cb('ENDED') }),
      ev({ type: 'STATE_CHANGE', at: at('10:03:30'), contacts: [] }),
      ev({ type: 'LOGOUT', at: at('10:05') }),
    ]);
    expect(named(callback.intervals, 'activity')).toEqual([
      ['Available', '10:00:00', 60],
      ['Incoming', '10:01:00', 10],
      ['OnContact', '10:01:10', 110],
      ['AfterContactWork', '10:03:00', 30],
      ['Available', '10:03:30', 90],
    ]);
    expect(metrics(callback.report[0]!)).toMatchObject({ idleSeconds: 160, onContactSeconds: 140, contactsHandled: 1 });
  });
});

describe('S13: 30- and 45-minute DST changes', () => {
  it('given a session across the end of Lord Howe summer time, then every 15-minute bucket holds 15 minutes', async () => {
    const { report } = await project(
      [ev({ type: 'LOGIN', at: '2024-04-06T14:30:00.000Z' }), ev({ type: 'LOGOUT', at: '2024-04-06T16:00:00.000Z' })],
      { timezone: 'Australia/Lord_Howe' },
    );
    expect(report.map((r) => [r.bucketStart, r.bucketEnd, r.onlineSeconds])).toEqual([
      ['2024-04-07T01:30:00+11:00', '2024-04-07T01:45:00+11:00', 900],
      ['2024-04-07T01:45:00+11:00', '2024-04-07T01:30:00+10:30', 900],
      ['2024-04-07T01:30:00+10:30', '2024-04-07T01:45:00+10:30', 900],
      ['2024-04-07T01:45:00+10:30', '2024-04-07T02:00:00+10:30', 900],
      ['2024-04-07T02:00:00+10:30', '2024-04-07T02:15:00+10:30', 900],
      ['2024-04-07T02:15:00+10:30', '2024-04-07T02:30:00+10:30', 900],
    ]);
  });

  it.each([
    ['Australia/Lord_Howe', 15],
    ['Australia/Lord_Howe', 30],
    ['Australia/Lord_Howe', 60],
    ['Pacific/Chatham', 15],
    ['Pacific/Chatham', 30],
    ['Pacific/Chatham', 60],
    ['America/New_York', 60],
    ['Asia/Kathmandu', 60],
  ])('given every bucket of 2024 in %s of %i minutes, then each starts where the last ended and none is longer than its size', (zone, minutes) => {
    const calendar = new BucketCalendar(zone, minutes);
    let t = calendar.bucketOf(Date.UTC(2024, 0, 1)).end;
    const end = Date.UTC(2025, 0, 1);
    let shorter = 0;
    while (t < end) {
      const b = calendar.bucketOf(t);
      expect(b.start).toBe(t);
      expect(b.end - b.start, `${formatLocal(b.start, zone)} -> ${formatLocal(b.end, zone)}`).toBeGreaterThan(0);
      expect(b.end - b.start).toBeLessThanOrEqual(minutes * 60_000);
      if (b.end - b.start < minutes * 60_000) shorter++;
      t = b.end;
    }
    // only around the two offset changes of the year are buckets cut short
    expect(shorter).toBeLessThanOrEqual(4);
  });
});

describe('C1: contact records queued and never answered', () => {
  const base = { initiation: '2024-04-18T10:00:00Z', disconnect: '2024-04-18T10:01:00Z', queue: { enqueue: '2024-04-18T10:00:20Z', dequeue: '2024-04-18T10:01:00Z', duration: 40 }, attributes: {} };
  const specs: Array<[ContactRecordSpec, string]> = [
    [{ ...base, contactId: 'Q-CALLBACK', disconnectReason: 'CUSTOMER_DISCONNECT', nextContactId: 'CB-1' }, 'transferred'],
    [{ ...base, contactId: 'Q-FLOWDISC', disconnectReason: 'CONTACT_FLOW_DISCONNECT' }, 'abandoned_in_queue'],
    [{ ...base, contactId: 'Q-PLAIN', disconnectReason: 'CUSTOMER_DISCONNECT' }, 'abandoned_in_queue'],
    [{ ...base, contactId: 'Q-TELECOM', disconnectReason: 'TELECOM_PROBLEM' }, 'abandoned_in_queue'],
    [{ ...base, contactId: 'Q-XFER', disconnectReason: 'CUSTOMER_DISCONNECT', initiationMethod: 'TRANSFER', previousContactId: 'Q-FIRST' }, 'abandoned_in_queue'],
  ];
  const rules = parseRules({});
  const projections = specs.map(([spec]) => {
    const raw = contactRecord(spec);
    const parsed = parseRecord(raw, JSON.stringify(raw), { origin: 'test' });
    if (!parsed.ok || !parsed.contact) throw new Error('not a contact record');
    return projectContact(parsed.contact, rules);
  });

  it('given five queued records, then four are abandoned whatever their DisconnectReason, and the queued callback is transferred', () => {
    expect(projections.map((p) => p.row.outcome)).toEqual(specs.map(([, outcome]) => outcome));
  });

  it('then the funnel counts the chain starts, and abandon alerts go out for the abandoned only', () => {
    expect(buildFunnel(projections)).toEqual([
      { date: '2024-04-18', exitPoint: null, outcome: 'transferred', contacts: 1 },
      { date: '2024-04-18', exitPoint: null, outcome: 'abandoned_in_queue', contacts: 3 },
    ]);
    const alerted = alertsForContacts(projections).map((a) => a.contactId);
    expect(alerted).toEqual(['Q-FLOWDISC', 'Q-PLAIN', 'Q-TELECOM', 'Q-XFER']);
  });
});
