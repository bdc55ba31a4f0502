import { foldAgentEvents, parseRecord, type AgentFacts, type ContactFacts } from '@switchboard/core';
import type { SimEvent } from '../src/simulator/index.js';

export type Payload = Record<string, any>;

export function collect(events: Iterable<SimEvent>, limit = Infinity): SimEvent[] {
  const out: SimEvent[] = [];
  for (const e of events) {
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

export function agentFactsOf(e: SimEvent): AgentFacts {
  const r = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'simulator' });
  if (!r.ok || !r.agent) throw new Error(`not an agent event: ${r.ok ? 'contact' : r.reason}`);
  return r.agent;
}

export function contactOf(e: SimEvent): ContactFacts {
  const r = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'simulator' });
  if (!r.ok || !r.contact) throw new Error(`not a contact record: ${r.ok ? 'agent' : r.reason}`);
  return r.contact;
}

/** Agent events grouped per agent ARN, sorted as the projector wants them (EventTimestamp, then EventId). */
export function byAgent(events: readonly SimEvent[]): Map<string, SimEvent[]> {
  const map = new Map<string, SimEvent[]>();
  for (const e of events) {
    if (e.kind !== 'agent') continue;
    let list = map.get(e.partitionKey);
    if (!list) map.set(e.partitionKey, (list = []));
    list.push(e);
  }
  for (const list of map.values()) {
    list.sort((a, b) => a.at - b.at || String(a.payload.EventId).localeCompare(String(b.payload.EventId)));
  }
  return map;
}

/** The latest copy of every contact record (greatest LastUpdateTimestamp). */
export function latestRecords(events: readonly SimEvent[]): Map<string, Payload> {
  const map = new Map<string, Payload>();
  for (const e of events) {
    if (e.kind !== 'contact') continue;
    const p = e.payload as Payload;
    const current = map.get(p.ContactId);
    if (!current || Date.parse(current.LastUpdateTimestamp) < Date.parse(p.LastUpdateTimestamp)) map.set(p.ContactId, p);
  }
  return map;
}

/** What one agent's events show about one contact: state changes with their event times. */
export interface ContactTrack {
  agentArn: string;
  username: string;
  contactId: string;
  states: { state: string; at: number }[];
  /** the event time at which it left Contacts[], or null */
  goneAt: number | null;
  queueTimestamp: string | null;
  initiationMethod: string;
  initialContactId: string | null;
}

export function contactTracks(agentEvents: Map<string, SimEvent[]>): ContactTrack[] {
  const tracks: ContactTrack[] = [];
  for (const [agentArn, list] of agentEvents) {
    const open = new Map<string, ContactTrack>();
    for (const e of list) {
      const p = e.payload as Payload;
      const contacts: Payload[] = p.CurrentAgentSnapshot?.Contacts ?? [];
      const seen = new Set<string>();
      for (const c of contacts) {
        seen.add(c.ContactId);
        let t = open.get(c.ContactId);
        if (!t) {
          t = {
            agentArn,
            username: p.CurrentAgentSnapshot.Configuration.Username,
            contactId: c.ContactId,
            states: [],
            goneAt: null,
            queueTimestamp: c.QueueTimestamp,
            initiationMethod: c.InitiationMethod,
            initialContactId: c.InitialContactId,
          };
          open.set(c.ContactId, t);
          tracks.push(t);
        }
        if (t.states.at(-1)?.state !== c.State) t.states.push({ state: c.State, at: e.at });
      }
      for (const [id, t] of open) {
        if (!seen.has(id)) {
          t.goneAt = e.at;
          open.delete(id);
        }
      }
    }
  }
  return tracks;
}

/** ISO-8601 in whole seconds, as contact records write instants. */
export function isoSecond(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** The contact-state moves a real agent's contact can make. */
export const ALLOWED_MOVES: Record<string, readonly string[]> = {
  CONNECTING: ['CONNECTED', 'MISSED'],
  INCOMING: ['CONNECTED', 'MISSED'],
  CONNECTED: ['CONNECTED_ONHOLD', 'ENDED'],
  CONNECTED_ONHOLD: ['CONNECTED'],
  ENDED: [],
  MISSED: [],
};

function fail(message: string): never {
  throw new Error(message);
}

/**
 * The invariants every simulation must keep, whatever the options: parseable
 * payloads in time order, per-agent snapshot chains, sessions tiled by the
 * projector's intervals, legal contact moves, and contact records that agree
 * with the agent events. Throws on the first violation.
 */
export function assertConsistent(events: readonly SimEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (i > 0 && e.at < events[i - 1]!.at) fail(`event ${i} goes back in time`);
    const r = parseRecord(e.payload, JSON.stringify(e.payload), { origin: 'simulator' });
    if (!r.ok) fail(`event ${i} rejected: ${r.reason}`);
    if (r.event.kind !== e.kind || r.event.occurredAt !== e.at) fail(`event ${i}: kind or time differ from the payload`);
  }
  const agents = byAgent(events);
  for (const [arn, list] of agents) {
    let loggedIn = false;
    let login = 0;
    const sessions: [number, number][] = [];
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!.payload as Payload;
      if (i > 0 && list[i]!.at <= list[i - 1]!.at) fail(`${arn}: two events at the same time`);
      if (i > 0 && JSON.stringify(p.PreviousAgentSnapshot) !== JSON.stringify((list[i - 1]!.payload as Payload).CurrentAgentSnapshot)) {
        fail(`${arn}: PreviousAgentSnapshot differs from the previous event at ${p.EventTimestamp}`);
      }
      const type = p.EventType as string;
      const status = p.CurrentAgentSnapshot.AgentStatus;
      if (type === 'LOGIN') {
        if (loggedIn) fail(`${arn}: LOGIN while logged in`);
        if (status.Name !== 'Offline') fail(`${arn}: LOGIN not Offline`);
        loggedIn = true;
        login = list[i]!.at;
      } else if (type === 'LOGOUT') {
        if (!loggedIn) fail(`${arn}: LOGOUT while logged out`);
        if (status.Name !== 'Offline' || p.CurrentAgentSnapshot.Contacts.length > 0) fail(`${arn}: LOGOUT with a status or contacts`);
        loggedIn = false;
        sessions.push([login, list[i]!.at]);
      } else if (!loggedIn && type !== 'HEART_BEAT') {
        fail(`${arn}: ${type} while logged out`);
      }
      if (i > 0) {
        const gap = list[i]!.at - list[i - 1]!.at;
        if (type === 'HEART_BEAT' && gap < 120_000) fail(`${arn}: HEART_BEAT after only ${gap} ms`);
        if (loggedIn && type !== 'LOGIN' && gap > 121_000) fail(`${arn}: ${gap} ms without a heartbeat`);
      }
    }
    if (loggedIn) fail(`${arn}: still logged in at the end of a finite run`);
    const { outputs } = foldAgentEvents(list.map(agentFactsOf));
    for (const dimension of ['status', 'activity'] as const) {
      const intervals = outputs.intervals.filter((x) => x.dimension === dimension).sort((a, b) => a.start - b.start);
      let k = 0;
      for (const [from, to] of sessions) {
        let t = from;
        while (k < intervals.length && intervals[k]!.start < to) {
          const x = intervals[k]!;
          if (x.start !== t) fail(`${arn}: ${dimension} intervals leave a gap or overlap at ${new Date(t).toISOString()}`);
          t = x.end;
          k++;
        }
        if (t !== to) fail(`${arn}: ${dimension} intervals do not reach the LOGOUT`);
      }
      if (k !== intervals.length) fail(`${arn}: ${dimension} intervals outside a session`);
    }
  }
  const records = latestRecords(events);
  for (const t of contactTracks(agents)) {
    const first = t.states[0]!.state;
    if (first !== 'CONNECTING' && first !== 'INCOMING') fail(`${t.contactId}: appears as ${first}`);
    for (let i = 1; i < t.states.length; i++) {
      if (!ALLOWED_MOVES[t.states[i - 1]!.state]!.includes(t.states[i]!.state)) {
        fail(`${t.contactId}: ${t.states[i - 1]!.state} -> ${t.states[i]!.state}`);
      }
    }
    if (t.goneAt === null) fail(`${t.contactId}: never leaves the agent`);
    const r = records.get(t.contactId) ?? fail(`${t.contactId}: no contact record`);
    const connected = t.states.find((s) => s.state === 'CONNECTED');
    if (!connected) continue;
    const a = r.Agent ?? fail(`${t.contactId}: answered but the record has no Agent`);
    if (a.ARN !== t.agentArn || a.Username !== t.username) fail(`${t.contactId}: record names another agent`);
    if (a.ConnectedToAgentTimestamp !== isoSecond(connected.at)) fail(`${t.contactId}: ConnectedToAgentTimestamp`);
    let holds = 0;
    let held = 0;
    for (let i = 1; i < t.states.length; i++) {
      if (t.states[i]!.state === 'CONNECTED' && t.states[i - 1]!.state === 'CONNECTED_ONHOLD') {
        holds++;
        held += t.states[i]!.at - t.states[i - 1]!.at;
      }
    }
    if (a.NumberOfHolds !== holds || Math.abs(a.CustomerHoldDuration - held / 1000) > 1) fail(`${t.contactId}: holds differ`);
    const ended = t.states.find((s) => s.state === 'ENDED') ?? fail(`${t.contactId}: connected but never ENDED`);
    if (a.AfterContactWorkStartTimestamp !== isoSecond(ended.at) || a.AfterContactWorkEndTimestamp !== isoSecond(t.goneAt)) {
      fail(`${t.contactId}: after-contact work times differ`);
    }
    if (Math.abs(a.AfterContactWorkDuration - (t.goneAt - ended.at) / 1000) > 1) fail(`${t.contactId}: ACW duration differs`);
  }
}
