import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { DEFAULT_RULES, foldAgentEvents, nationalNumber, parseRecord, projectContact, type Interval } from '@switchboard/core';
import { DEFAULT_START, EXIT_POINTS, simulate, type SimEvent } from '../src/simulator/index.js';
import { ALLOWED_MOVES, agentFactsOf, byAgent, collect, contactTracks, isoSecond, lastStates, latestRecords, type ContactTrack, type Payload } from './simulator-helpers.js';

const HOUR = 3_600_000;

function digest(events: Iterable<SimEvent>): string {
  const hash = createHash('sha256');
  for (const e of events) hash.update(`${e.at} ${e.kind} ${e.partitionKey} ${JSON.stringify(e.payload)}\n`);
  return hash.digest('hex');
}

describe('simulator: given 4 simulated hours of a 12-agent centre', () => {
  const options = { agents: 12, hours: 4, seed: 7 };
  let events: SimEvent[];
  let agents: Map<string, SimEvent[]>;
  let records: Map<string, Payload>;
  let tracks: ContactTrack[];

  beforeAll(() => {
    events = collect(simulate(options));
    agents = byAgent(events);
    records = latestRecords(events);
    tracks = contactTracks(agents);
  });

  it('then every payload is accepted by the core parser, as the kind and key the event claims', () => {
    expect(events.length).toBeGreaterThan(2_000);
    for (const e of events) {
      const r = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'simulator' });
      if (!r.ok) throw new Error(`rejected: ${r.reason}`);
      expect(r.event.kind).toBe(e.kind);
      expect(r.event.occurredAt).toBe(e.at);
      expect(e.partitionKey).toBe(e.kind === 'agent' ? e.payload.AgentARN : e.kind === 'contact' ? e.payload.ContactId : (e.payload as Payload).detail.contactId);
    }
  });

  it('then events come in non-decreasing time, starting at the start and ending soon after the end', () => {
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    expect(events[0]!.at).toBeGreaterThanOrEqual(DEFAULT_START);
    // In-flight contacts finish and their records (and late updates) arrive after the end.
    expect(events.at(-1)!.at).toBeLessThan(DEFAULT_START + 5 * HOUR);
  });

  it('then agent events carry the documented envelope: unique UUID EventIds, ms timestamps, full snapshots', () => {
    const ids = new Set<string>();
    for (const e of events) {
      if (e.kind !== 'agent') continue;
      const p = e.payload as Payload;
      expect(p.Version).toBe('2019-05-25');
      expect(p.AWSAccountId).toMatch(/^\d{12}$/);
      expect(p.InstanceARN).toMatch(/^arn:aws:connect:ap-northeast-1:\d{12}:instance\/[0-9a-f-]{36}$/);
      expect(p.AgentARN.startsWith(`${p.InstanceARN}/agent/`)).toBe(true);
      expect(p.EventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids.has(p.EventId)).toBe(false);
      ids.add(p.EventId);
      expect(p.EventTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      for (const s of [p.CurrentAgentSnapshot, p.PreviousAgentSnapshot]) {
        expect(s.AgentStatus).toEqual({ ARN: expect.stringContaining('/agent-state/'), Name: expect.any(String), StartTimestamp: expect.any(String), Type: expect.any(String) });
        expect(['ROUTABLE', 'CUSTOM', 'OFFLINE']).toContain(s.AgentStatus.Type);
        const rp = s.Configuration.RoutingProfile;
        expect(rp.Concurrency).toEqual([
          { AvailableSlots: expect.any(Number), Channel: 'CHAT', MaximumSlots: 3 },
          { AvailableSlots: expect.any(Number), Channel: 'TASK', MaximumSlots: 1 },
          { AvailableSlots: expect.any(Number), Channel: 'VOICE', MaximumSlots: 1 },
        ]);
        expect(rp.InboundQueues[0]).toEqual({ ARN: expect.stringContaining('/queue/agent/'), Channels: ['VOICE', 'CHAT'], Name: null });
        expect(rp.InboundQueues.length).toBeGreaterThanOrEqual(3);
        expect(s.Configuration.Username).toMatch(/^[a-z]+\.[a-z]+\d*$/);
        expect(Array.isArray(s.Contacts)).toBe(true);
      }
    }
  });

  it('then each agent shift runs LOGIN (Offline), the routable status, work and breaks, LOGOUT through Offline or with the status kept', () => {
    expect(agents.size).toBe(12);
    const statusNames = new Set<string>();
    const logoutStatuses: string[] = [];
    for (const list of agents.values()) {
      const types = list.map((e) => e.payload.EventType as string);
      const login = types.indexOf('LOGIN');
      const logout = types.indexOf('LOGOUT');
      expect(login).toBe(0);
      expect(logout).toBeGreaterThan(login);
      expect(types.filter((t) => t === 'LOGIN')).toHaveLength(1);
      const statuses = list.slice(login, logout + 1).map((e) => (e.payload as Payload).CurrentAgentSnapshot.AgentStatus);
      expect(statuses[0]!.Name).toBe('Offline');
      expect(statuses[1]!.Type).toBe('ROUTABLE');
      const atLogout = statuses.at(-1)!;
      logoutStatuses.push(atLogout.Name);
      // through the STATE_CHANGE to Offline, or Connect keeps the status the agent had
      if (atLogout.Name === 'Offline') expect(statuses.at(-2)!.Name).toBe('Offline');
      else expect(atLogout).toEqual(statuses.at(-2));
      statuses.forEach((s) => statusNames.add(s.Name));
      // After LOGOUT, only heartbeats (Connect sends them for up to an hour), with the status kept.
      for (const e of list.slice(logout + 1)) {
        expect(e.payload.EventType).toBe('HEART_BEAT');
        expect((e.payload as Payload).CurrentAgentSnapshot.AgentStatus).toEqual(atLogout);
      }
    }
    expect(logoutStatuses).toContain('Offline');
    expect(logoutStatuses.some((s) => s !== 'Offline')).toBe(true);
    // the routable status is renamed part way through: its type stays ROUTABLE
    expect([...statusNames].sort()).toEqual(['Available', 'Break', 'Offline', 'Ready']);
    const ready = events.filter((e) => e.kind === 'agent' && (e.payload as Payload).CurrentAgentSnapshot.AgentStatus.Name === 'Ready');
    expect(ready.every((e) => (e.payload as Payload).CurrentAgentSnapshot.AgentStatus.Type === 'ROUTABLE')).toBe(true);
    const customs = events.filter((e) => e.kind === 'agent' && (e.payload as Payload).CurrentAgentSnapshot.AgentStatus.Name === 'Break');
    expect(customs.every((e) => (e.payload as Payload).CurrentAgentSnapshot.AgentStatus.Type === 'CUSTOM')).toBe(true);
    const afterLogout = [...agents.values()].some((list) => list.at(-1)!.payload.EventType === 'HEART_BEAT' && list.some((e) => e.payload.EventType === 'LOGOUT'));
    expect(afterLogout).toBe(true);
  });

  it('then a break asked for during a contact waits as NextAgentStatus and starts when the last contact is cleared', () => {
    let deferred = 0;
    for (const list of agents.values()) {
      for (const e of list) {
        const p = e.payload as Payload;
        const before = p.PreviousAgentSnapshot.NextAgentStatus;
        const after = p.CurrentAgentSnapshot.NextAgentStatus;
        if (after && !before) {
          // Set while busy: no new contacts until it takes effect.
          expect(p.CurrentAgentSnapshot.Contacts.length).toBeGreaterThan(0);
          expect(p.CurrentAgentSnapshot.AgentStatus.Type).toBe('ROUTABLE');
        }
        if (before && !after) {
          deferred++;
          expect(p.CurrentAgentSnapshot.Contacts).toEqual([]);
          expect(p.CurrentAgentSnapshot.AgentStatus.Name).toBe(before.Name);
          expect(p.CurrentAgentSnapshot.AgentStatus.StartTimestamp).toBe(p.EventTimestamp);
        }
      }
    }
    expect(deferred).toBeGreaterThan(0);
  });

  it('then a HEART_BEAT comes after every 120 s without another event, never sooner, with an unchanged snapshot', () => {
    for (const list of agents.values()) {
      const logout = list.findIndex((e) => e.payload.EventType === 'LOGOUT');
      for (let i = 1; i < list.length; i++) {
        const gap = list[i]!.at - list[i - 1]!.at;
        if (i <= logout) expect(gap).toBeLessThanOrEqual(121_000);
        const p = list[i]!.payload as Payload;
        if (p.EventType === 'HEART_BEAT') {
          expect(gap).toBeGreaterThanOrEqual(120_000);
          expect(p.CurrentAgentSnapshot).toEqual(p.PreviousAgentSnapshot);
        }
      }
    }
  });

  it('then each PreviousAgentSnapshot is the snapshot of the agent’s event before it', () => {
    for (const list of agents.values()) {
      for (let i = 1; i < list.length; i++) {
        expect((list[i]!.payload as Payload).PreviousAgentSnapshot).toEqual((list[i - 1]!.payload as Payload).CurrentAgentSnapshot);
      }
    }
  });

  it('then contacts only make possible moves, within the routing profile’s concurrency', () => {
    for (const t of tracks) {
      expect(t.initiationMethod === 'MONITOR' ? ['CONNECTED'] : ['CONNECTING', 'INCOMING']).toContain(t.states[0]!.state);
      for (let i = 1; i < t.states.length; i++) expect(ALLOWED_MOVES[t.states[i - 1]!.state]).toContain(t.states[i]!.state);
      // A contact leaves Contacts[] only once cleared from ACW or after an offer not taken (or a supervisor stops monitoring).
      expect(lastStates(t)).toContain(t.states.at(-1)!.state);
      expect(t.goneAt).not.toBeNull();
    }
    for (const list of agents.values()) {
      let before: Payload[] = [];
      for (const e of list) {
        const s = (e.payload as Payload).CurrentAgentSnapshot;
        const contacts: Payload[] = s.Contacts;
        const voice = contacts.filter((c) => c.Channel === 'VOICE').length;
        const chat = contacts.filter((c) => c.Channel === 'CHAT').length;
        const task = contacts.filter((c) => c.Channel === 'TASK').length;
        expect(voice).toBeLessThanOrEqual(1);
        expect(chat).toBeLessThanOrEqual(3);
        expect(task).toBeLessThanOrEqual(1);
        expect([voice, chat, task].filter((n) => n > 0).length).toBeLessThanOrEqual(1);
        const slots = Object.fromEntries(s.Configuration.RoutingProfile.Concurrency.map((c: Payload) => [c.Channel, c.AvailableSlots]));
        expect(slots).toEqual(voice || task ? { VOICE: 0, CHAT: 0, TASK: 0 } : chat ? { VOICE: 0, CHAT: 3 - chat, TASK: 0 } : { VOICE: 1, CHAT: 3, TASK: 1 });
        // New contacts are routed only to an agent in the routable status with no next status pending.
        const fresh = contacts.filter((c) => !before.some((b) => b.ContactId === c.ContactId));
        if (fresh.length > 0) {
          expect(s.AgentStatus.Type).toBe('ROUTABLE');
          expect((e.payload as Payload).PreviousAgentSnapshot.NextAgentStatus).toBeUndefined();
        }
        if (e.payload.EventType === 'LOGOUT') expect(contacts).toEqual([]);
        before = contacts;
      }
    }
  });

  it('then Connect’s StateStartTimestamp survives holds while hold boundaries are event times', () => {
    let holds = 0;
    for (const list of agents.values()) {
      for (const e of list) {
        for (const c of (e.payload as Payload).CurrentAgentSnapshot.Contacts as Payload[]) {
          if (c.State !== 'CONNECTED_ONHOLD') continue;
          holds++;
          expect(c.StateStartTimestamp).toBe(c.ConnectedToAgentTimestamp);
        }
      }
    }
    expect(holds).toBeGreaterThan(0);
  });

  it('then folding each agent’s events gives status and activity intervals that exactly tile the logged-in time', () => {
    for (const list of agents.values()) {
      const facts = list.map(agentFactsOf);
      const { outputs, state } = foldAgentEvents(facts);
      expect(state!.loggedIn).toBe(false);
      const login = list.find((e) => e.payload.EventType === 'LOGIN')!.at;
      const logout = list.find((e) => e.payload.EventType === 'LOGOUT')!.at;
      for (const dimension of ['status', 'activity'] as const) {
        const intervals = outputs.intervals.filter((i) => i.dimension === dimension).sort((a, b) => a.start - b.start);
        expect(intervals[0]!.start).toBe(login);
        expect(intervals.at(-1)!.end).toBe(logout);
        for (let i = 1; i < intervals.length; i++) expect(intervals[i]!.start).toBe(intervals[i - 1]!.end);
        for (const i of intervals) expect(i.end).toBeGreaterThan(i.start);
      }
      const contact = outputs.intervals.filter((i: Interval) => i.dimension === 'contact');
      for (const i of contact) {
        expect(i.start).toBeGreaterThanOrEqual(login);
        expect(i.end).toBeLessThanOrEqual(logout);
      }
    }
  });

  it('then every contact seen on an agent has a contact record, and each answered one names that agent', () => {
    for (const t of tracks) {
      const r = records.get(t.contactId);
      expect(r, t.contactId).toBeDefined();
      // a supervisor monitoring a call sees the caller's contact, whose record names the agent who handled it
      if (t.initiationMethod !== 'MONITOR' && t.states.some((s) => s.state === 'CONNECTED')) {
        expect(r!.Agent.ARN).toBe(t.agentArn);
        expect(r!.Agent.Username).toBe(t.username);
      }
    }
  });

  it('then each record’s agent times, holds and after-contact work match what the agent events show', () => {
    let checked = 0;
    for (const t of tracks) {
      const connected = t.states.find((s) => s.state === 'CONNECTED');
      if (!connected || t.initiationMethod === 'MONITOR') continue;
      const r = records.get(t.contactId)!;
      const a = r.Agent;
      checked++;
      expect(a.ConnectedToAgentTimestamp).toBe(isoSecond(connected.at));
      if (t.initiationMethod === 'OUTBOUND') {
        expect(r.Queue).toBeNull(); // dialled by the agent, never queued
      } else {
        expect(r.Queue.DequeueTimestamp).toBe(isoSecond(connected.at));
        expect(r.Queue.EnqueueTimestamp).toBe(isoSecond(Date.parse(t.queueTimestamp!)));
        expect(r.Queue.Duration).toBe(Date.parse(r.Queue.DequeueTimestamp) / 1000 - Date.parse(r.Queue.EnqueueTimestamp) / 1000);
      }
      const holds: number[] = [];
      for (let i = 1; i < t.states.length; i++) {
        if (t.states[i]!.state === 'CONNECTED' && t.states[i - 1]!.state === 'CONNECTED_ONHOLD') holds.push(t.states[i]!.at - t.states[i - 1]!.at);
      }
      expect(a.NumberOfHolds).toBe(holds.length);
      expect(Math.abs(a.CustomerHoldDuration - holds.reduce((x, y) => x + y, 0) / 1000)).toBeLessThanOrEqual(1);
      expect(Math.abs(a.LongestHoldDuration - Math.max(0, ...holds) / 1000)).toBeLessThanOrEqual(1);
      const ended = t.states.find((s) => s.state === 'ENDED')!;
      expect(a.AfterContactWorkStartTimestamp).toBe(isoSecond(ended.at));
      expect(a.AfterContactWorkEndTimestamp).toBe(isoSecond(t.goneAt!));
      expect(r.DisconnectTimestamp).toBe(isoSecond(ended.at));
      expect(Math.abs(a.AfterContactWorkDuration - (t.goneAt! - ended.at) / 1000)).toBeLessThanOrEqual(1);
      expect(a.AfterContactWorkDuration).toBe((Date.parse(a.AfterContactWorkEndTimestamp) - Date.parse(a.AfterContactWorkStartTimestamp)) / 1000);
      // Connect delivers the record only after the agent cleared the contact.
      expect(Date.parse(r.LastUpdateTimestamp)).toBeGreaterThan(t.goneAt!);
      expect(r.InitiationMethod).toBe(t.initiationMethod);
      expect(r.InitialContactId).toBe(t.initialContactId);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('then contact records use whole-second timestamps, integer durations and JP numbers', () => {
    for (const r of records.values()) {
      expect(r.AWSContactTraceRecordFormatVersion).toBe('2017-03-10');
      for (const key of ['InitiationTimestamp', 'ConnectedToSystemTimestamp', 'DisconnectTimestamp', 'LastUpdateTimestamp']) {
        expect(r[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
      expect(Date.parse(r.DisconnectTimestamp)).toBeGreaterThanOrEqual(Date.parse(r.InitiationTimestamp));
      expect(Date.parse(r.LastUpdateTimestamp)).toBeGreaterThan(Date.parse(r.DisconnectTimestamp));
      if (r.Channel === 'VOICE') {
        expect(r.CustomerEndpoint.Type).toBe('TELEPHONE_NUMBER');
        expect(r.CustomerEndpoint.Address).toMatch(/^\+81\d{9,10}$/);
        expect(isValidPhoneNumber(r.CustomerEndpoint.Address)).toBe(true);
        expect(nationalNumber(r.CustomerEndpoint.Address, 'JP')).toMatch(/^0\d{9,10}$/);
        expect(isValidPhoneNumber(r.SystemEndpoint.Address)).toBe(true);
        expect(r.MediaStreams).toEqual([{ Type: 'AUDIO' }]);
      } else {
        expect(['CHAT', 'TASK']).toContain(r.Channel);
        expect(r.CustomerEndpoint).toBeNull();
      }
      if (r.Agent) for (const k of ['AfterContactWorkDuration', 'AgentInteractionDuration', 'CustomerHoldDuration']) expect(Number.isInteger(r.Agent[k])).toBe(true);
    }
    const mobiles = [...records.values()].filter((r) => /^\+81[789]0/.test(r.CustomerEndpoint?.Address ?? ''));
    const landlines = [...records.values()].filter((r) => /^\+81[1-6]/.test(r.CustomerEndpoint?.Address ?? ''));
    expect(mobiles.length).toBeGreaterThan(landlines.length);
    expect(landlines.length).toBeGreaterThan(0);
  });

  it('then the IVR of the seed article shows in the attributes: all outcomes and all call_route exit points occur', () => {
    const chainStarts = [...records.values()].filter((r) => !r.PreviousContactId && r.Channel === 'VOICE' && r.InitiationMethod === 'INBOUND');
    const rows = chainStarts.map((r) => projectContact(r as never, DEFAULT_RULES).row);
    const outcomes = new Set(rows.map((r) => r.outcome));
    // transferred: callers who left the queue for a callback
    expect([...outcomes].sort()).toEqual(['abandoned_in_flow', 'abandoned_in_queue', 'completed_in_flow', 'handled', 'transferred']);
    expect(new Set(rows.map((r) => r.exitPoint))).toEqual(new Set(EXIT_POINTS));
    for (const r of chainStarts) {
      const route: string = r.Attributes.call_route;
      const completed: string = r.Attributes.call_completed;
      if (['start', '1', '2'].includes(route)) {
        // Hung up in a menu: no queue, no agent, call_completed still "false".
        expect(completed).toBe('false');
        expect(r.Queue).toBeNull();
        expect(r.Agent).toBeNull();
        expect(r.DisconnectReason).toBe('CUSTOMER_DISCONNECT');
      } else {
        expect(completed).toBe('true');
        if (r.Queue === null) expect(r.DisconnectReason).toBe('CONTACT_FLOW_DISCONNECT');
        else expect(r.Queue.Name).toBe(route.startsWith('1') ? 'Sales' : 'Support');
        if (r.Queue && !r.Agent) {
          expect(r.DisconnectReason).toBe(r.NextContactId ? 'CONTACT_FLOW_DISCONNECT' : 'CUSTOMER_DISCONNECT');
          expect(r.Queue.EnqueueTimestamp).toEqual(expect.any(String));
          expect(r.Queue.DequeueTimestamp).toEqual(expect.any(String));
        }
      }
    }
    const handled = rows.filter((r) => r.outcome === 'handled').length;
    expect(handled / rows.length).toBeGreaterThan(0.5);
  });

  it('then chats are handled up to three at a time', () => {
    const chats = [...records.values()].filter((r) => r.Channel === 'CHAT');
    expect(chats.length).toBeGreaterThan(20);
    expect(chats.every((r) => r.InitiationMethod === 'API' && r.Queue?.Name === 'Chat')).toBe(true);
    const maxChats = Math.max(...events.filter((e) => e.kind === 'agent').map((e) => ((e.payload as Payload).CurrentAgentSnapshot.Contacts as Payload[]).filter((c) => c.Channel === 'CHAT').length));
    expect(maxChats).toBeGreaterThanOrEqual(2);
  });

  it('then transferred calls and callbacks form chains: TRANSFER and CALLBACK contacts linked by Previous/Next/InitialContactId', () => {
    const transfers = [...records.values()].filter((r) => r.NextContactId);
    expect(transfers.length).toBeGreaterThan(0);
    expect(new Set(transfers.map((r) => records.get(r.NextContactId)!.InitiationMethod))).toEqual(new Set(['TRANSFER', 'CALLBACK']));
    for (const first of transfers) {
      const next = records.get(first.NextContactId)!;
      expect(next).toBeDefined();
      // a callback follows a caller who left the queue (no agent); a transfer, an agent's call
      expect(next.InitiationMethod).toBe(first.Agent ? 'TRANSFER' : 'CALLBACK');
      expect(next.PreviousContactId).toBe(first.ContactId);
      expect(next.InitialContactId).toBe(first.InitialContactId ?? first.ContactId);
      expect(next.Attributes.call_route).toBe(first.Attributes.call_route);
      expect(next.CustomerEndpoint).toEqual(first.CustomerEndpoint);
      expect(Date.parse(next.InitiationTimestamp)).toBeGreaterThanOrEqual(Date.parse(first.DisconnectTimestamp));
      if (next.Agent && first.Agent) expect(next.Agent.ARN).not.toBe(first.Agent.ARN);
    }
    for (const r of records.values()) {
      if (r.PreviousContactId) expect(records.get(r.PreviousContactId)!.NextContactId).toBe(r.ContactId);
    }
    const onAgent = tracks.filter((t) => t.initiationMethod === 'TRANSFER');
    expect(onAgent.length).toBeGreaterThan(0);
    for (const t of onAgent) expect(t.initialContactId).toBe(records.get(t.contactId)!.InitialContactId);
  });

  it('then some calls ring unanswered (MISSED) and go to another agent', () => {
    const missed = tracks.filter((t) => t.states.some((s) => s.state === 'MISSED'));
    expect(missed.length).toBeGreaterThan(0);
    for (const t of missed) {
      const r = records.get(t.contactId)!;
      expect(r.AgentConnectionAttempts).toBeGreaterThanOrEqual(2 - (r.Agent ? 0 : 1));
      if (r.Agent) expect(r.Agent.ARN).not.toBe(t.agentArn);
    }
  });

  it('then the agent events show what Connect shows in a centre: errors, rejections, paused tasks, dials, callbacks, monitoring', () => {
    const seen = new Set<string>();
    for (const t of tracks) {
      const states = t.states.map((x) => x.state);
      for (const state of states) seen.add(`${t.initiationMethod} ${state}`);
      const channel = ((agents.get(t.agentArn) ?? []).flatMap((e) => (e.payload as Payload).CurrentAgentSnapshot.Contacts as Payload[]).find((c) => c.ContactId === t.contactId) ?? {}).Channel;
      if (states.includes('REJECTED')) expect(channel).not.toBe('VOICE'); // voice shows a declined call as MISSED
      if (states.includes('PAUSED')) expect(channel).toBe('TASK');
      if (t.initiationMethod === 'OUTBOUND' && !states.includes('CONNECTED')) {
        expect(states).toEqual(['CONNECTING', 'ENDED']); // nobody answered: never connected
        expect(records.get(t.contactId)!.Agent).toBeNull();
      }
      if (t.initiationMethod === 'CALLBACK') expect(states.slice(0, 2)).toEqual(['INCOMING', states.includes('MISSED') ? 'MISSED' : 'CONNECTING']);
    }
    for (const expected of ['INBOUND ERROR', 'API REJECTED', 'API PAUSED', 'OUTBOUND CONNECTING', 'OUTBOUND ENDED', 'CALLBACK INCOMING', 'CALLBACK CONNECTING', 'MONITOR CONNECTED']) {
      expect(seen, expected).toContain(expected);
    }
    const keptAfterLogout = [...agents.values()].some((list) => {
      const logout = list.findIndex((e) => e.payload.EventType === 'LOGOUT');
      return logout >= 0 && list.slice(logout + 1).some((e) => (e.payload as Payload).CurrentAgentSnapshot.AgentStatus.Type !== 'OFFLINE');
    });
    expect(keptAfterLogout).toBe(true);
  });

  it('then a few records are delivered twice verbatim, and a few again later with newer data', () => {
    const copies = new Map<string, Payload[]>();
    for (const e of events) {
      if (e.kind !== 'contact') continue;
      const list = copies.get(e.partitionKey) ?? [];
      list.push(e.payload);
      copies.set(e.partitionKey, list);
    }
    const multi = [...copies.values()].filter((l) => l.length > 1);
    const verbatim = multi.filter((l) => JSON.stringify(l[0]) === JSON.stringify(l[1]));
    const updated = multi.filter((l) => l.some((p) => p.LastUpdateTimestamp !== l[0]!.LastUpdateTimestamp));
    expect(verbatim.length).toBeGreaterThan(0);
    expect(updated.length).toBeGreaterThan(0);
    for (const l of updated) {
      const [older, newer] = [...l].sort((a, b) => Date.parse(a.LastUpdateTimestamp) - Date.parse(b.LastUpdateTimestamp));
      expect(newer!.Attributes).not.toEqual(older!.Attributes);
      expect({ ...newer, Attributes: null, LastUpdateTimestamp: null }).toEqual({ ...older, Attributes: null, LastUpdateTimestamp: null });
    }
  });
});

describe('simulator: a default-length shift', () => {
  it('given 8 hours, then agents take two breaks and a lunch (custom statuses), staggered', () => {
    const events = collect(simulate({ agents: 4, hours: 8, seed: 3 }));
    const lunches = new Map<string, number>();
    const breaks = new Map<string, number>();
    for (const e of events) {
      if (e.kind !== 'agent') continue;
      const status = (e.payload as Payload).CurrentAgentSnapshot.AgentStatus;
      const previous = (e.payload as Payload).PreviousAgentSnapshot.AgentStatus;
      if (status.Name === 'Lunch' || status.Name === 'Break') expect(status.Type).toBe('CUSTOM');
      if (status.Name === 'Lunch' && previous.Name !== 'Lunch') lunches.set(e.partitionKey, e.at);
      if (status.Name === 'Break' && previous.Name !== 'Break') breaks.set(e.partitionKey, (breaks.get(e.partitionKey) ?? 0) + 1);
    }
    expect(lunches.size).toBe(4);
    expect([...breaks.values()]).toEqual([2, 2, 2, 2]);
    expect(new Set([...lunches.values()].map((t) => Math.floor(t / 60_000))).size).toBe(4);
  });
});

describe('simulator: determinism', () => {
  it('given the same seed, when simulated twice, then the output is identical', () => {
    expect(digest(simulate({ agents: 5, hours: 1, seed: 42 }))).toBe(digest(simulate({ agents: 5, hours: 1, seed: 42 })));
  });

  it('given different seeds, then the output differs (identities and traffic)', () => {
    const a = collect(simulate({ agents: 5, hours: 1, seed: 1 }));
    const b = collect(simulate({ agents: 5, hours: 1, seed: 2 }));
    expect(digest(a)).not.toBe(digest(b));
    expect(a[0]!.payload.InstanceARN).not.toBe(b[0]!.payload.InstanceARN);
  });

  it('given an instance ARN and a start, then the traffic belongs to that instance and starts then', () => {
    const instanceArn = 'arn:aws:connect:us-west-2:111122223333:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111';
    const start = Date.UTC(2025, 0, 6, 0, 0);
    const events = collect(simulate({ agents: 3, hours: 1, seed: 3, instanceArn, start }));
    const owner = (p: Payload) => (p.detail ? [p.detail.instanceArn, p.account] : [p.InstanceARN, p.AWSAccountId]);
    expect(events.every((e) => owner(e.payload).join() === `${instanceArn},111122223333`)).toBe(true);
    expect(events[0]!.at).toBeGreaterThanOrEqual(start);
    expect(events[0]!.at).toBeLessThan(start + 5 * 60_000);
  });

  it('given another phone country, then callers have that country’s numbers', () => {
    const events = collect(simulate({ agents: 4, hours: 1, seed: 3, phoneCountry: 'US' }));
    const numbers = events.filter((e) => e.kind === 'contact' && e.payload.Channel === 'VOICE').map((e) => (e.payload as Payload).CustomerEndpoint.Address as string);
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(n.startsWith('+1') && isValidPhoneNumber(n)).toBe(true);
  });

  it('given invalid options, then simulate throws a RangeError at once', () => {
    expect(() => simulate({ agents: 0 })).toThrow(RangeError);
    expect(() => simulate({ hours: -1 })).toThrow(RangeError);
    expect(() => simulate({ seed: 1.5 })).toThrow(RangeError);
    expect(() => simulate({ instanceArn: 'nope' })).toThrow(RangeError);
    expect(() => simulate({ phoneCountry: 'XX' })).toThrow(RangeError);
    expect(() => simulate({ callsPerAgentHour: -2 })).toThrow(RangeError);
  });
});

describe('simulator: live mode (hours: Infinity)', () => {
  it('given no start, then the simulation starts a little before now so the centre is already busy', () => {
    const before = Date.now();
    const first = collect(simulate({ hours: Infinity, agents: 3 }), 1)[0]!;
    expect(first.at).toBeLessThan(before);
    expect(first.at).toBeGreaterThan(before - 30 * 60_000);
  });

  it('given 26 simulated hours, then shifts overlap at handovers and a steady number of agents stays logged in', () => {
    const agents = 6;
    const start = Date.UTC(2024, 3, 17, 23, 0);
    const loggedIn = new Set<string>();
    const people = new Set<string>();
    let samples: number[] = [];
    let nextSample = start + HOUR;
    let logouts = 0;
    for (const e of simulate({ hours: Infinity, agents, seed: 11, start })) {
      while (e.at >= nextSample) {
        samples.push(loggedIn.size);
        nextSample += 10 * 60_000;
      }
      if (e.at > start + 26 * HOUR) break;
      if (e.kind !== 'agent') continue;
      if (e.payload.EventType === 'LOGIN') {
        loggedIn.add(e.partitionKey);
        people.add(e.partitionKey);
      }
      if (e.payload.EventType === 'LOGOUT') {
        loggedIn.delete(e.partitionKey);
        logouts++;
      }
    }
    // Three shifts rotate on each seat.
    expect(people.size).toBe(3 * agents);
    expect(logouts).toBeGreaterThanOrEqual(3 * agents);
    expect(Math.min(...samples)).toBe(agents);
    expect(Math.max(...samples)).toBeLessThanOrEqual(2 * agents);
    expect(samples.filter((n) => n === agents).length / samples.length).toBeGreaterThan(0.9);
    samples = [];
  });
});
