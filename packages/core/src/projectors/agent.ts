import type { AgentFacts, ContactFact, RoutingProfileFact } from '../model.js';
import { deriveActivity } from './activity.js';

export type Dimension = 'status' | 'activity' | 'contact';

/** A closed period [start, end) in one dimension. Times are ms since the epoch. */
export interface Interval {
  agentArn: string;
  username: string | null;
  dimension: Dimension;
  /** status name, activity, or contact state */
  name: string;
  /** status type for the status dimension (ROUTABLE, CUSTOM, OFFLINE), else null */
  statusType: string | null;
  contactId: string | null;
  start: number;
  end: number;
}

/** A countable moment: a hold starting, or a handled contact leaving. */
export interface Tally {
  agentArn: string;
  kind: 'hold' | 'handled';
  contactId: string;
  at: number;
}

export interface OpenContact {
  contactId: string;
  state: string;
  since: number;
  channel: string | null;
  initiationMethod: string | null;
  initialContactId: string | null;
  queueName: string | null;
  /** reached the agent (connected, on hold, or in after-contact work) */
  connected: boolean;
  /** already counted in contactsHandled */
  handled: boolean;
}

export interface AgentState {
  agentArn: string;
  instanceArn: string;
  username: string | null;
  loggedIn: boolean;
  status: { name: string; type: string; since: number } | null;
  activity: { name: string; since: number } | null;
  contacts: OpenContact[];
  lastEventAt: number | null;
  /** as the newest event that carried one showed it */
  routingProfile?: RoutingProfileFact;
}

export interface AgentOutputs {
  intervals: Interval[];
  tallies: Tally[];
}

const CONNECTED_STATES: ReadonlySet<string> = new Set(['CONNECTED', 'CONNECTED_ONHOLD', 'ENDED', 'PAUSED']);

export function initialAgentState(agentArn: string, instanceArn: string): AgentState {
  return {
    agentArn,
    instanceArn,
    username: null,
    loggedIn: false,
    status: null,
    activity: null,
    contacts: [],
    lastEventAt: null,
  };
}

/**
 * Folds one agent event into the agent's state. Pure: returns a new state and
 * the intervals and tallies the event closes. Events must be applied in sort-key
 * order (see agentSortKey); the engine guarantees that.
 */
export function applyAgentEvent(state: AgentState, event: AgentFacts): { state: AgentState; outputs: AgentOutputs } {
  const fold = new AgentFold(state, event);
  fold.apply();
  return { state: fold.next, outputs: { intervals: fold.intervals, tallies: fold.tallies } };
}

/** Folds a whole, already sorted, event sequence; used by tests and by rebuild-in-memory. */
export function foldAgentEvents(events: readonly AgentFacts[]): { state: AgentState | null; outputs: AgentOutputs } {
  const outputs: AgentOutputs = { intervals: [], tallies: [] };
  let state: AgentState | null = null;
  for (const e of events) {
    const r = applyAgentEvent(state ?? initialAgentState(e.agentArn, e.instanceArn), e);
    state = r.state;
    outputs.intervals.push(...r.outputs.intervals);
    outputs.tallies.push(...r.outputs.tallies);
  }
  return { state, outputs };
}

/**
 * The parts of a session still going on, as intervals up to the agent's last
 * event (heartbeats keep it within two minutes of now). Not part of the
 * closed-interval projection: the report adds them only when asked (live views).
 */
export function openIntervals(agents: readonly AgentState[]): Interval[] {
  const out: Interval[] = [];
  for (const a of agents) {
    const end = a.lastEventAt;
    if (!a.loggedIn || end === null) continue;
    const base = { agentArn: a.agentArn, username: a.username, end };
    if (a.status && a.status.since < end) {
      out.push({ ...base, dimension: 'status', name: a.status.name, statusType: a.status.type, contactId: null, start: a.status.since });
    }
    if (a.activity && a.activity.since < end) {
      out.push({ ...base, dimension: 'activity', name: a.activity.name, statusType: null, contactId: null, start: a.activity.since });
    }
    for (const c of a.contacts) {
      if (c.since < end) out.push({ ...base, dimension: 'contact', name: c.state, statusType: null, contactId: c.contactId, start: c.since });
    }
  }
  return out;
}

class AgentFold {
  readonly next: AgentState;
  readonly intervals: Interval[] = [];
  readonly tallies: Tally[] = [];
  private readonly at: number;

  constructor(
    prev: AgentState,
    private readonly event: AgentFacts,
  ) {
    this.at = event.at;
    this.next = {
      ...prev,
      username: event.username ?? prev.username,
      contacts: prev.contacts.map((c) => ({ ...c })),
      lastEventAt: prev.lastEventAt === null ? event.at : Math.max(prev.lastEventAt, event.at),
    };
    if (event.routingProfile) this.next.routingProfile = event.routingProfile;
  }

  apply(): void {
    const { eventType, status } = this.event;
    if (eventType === 'LOGOUT') return this.logout();
    if (!status) return;
    if (this.next.loggedIn) return this.sync(status);
    if (this.showsSession()) return this.login(status);
    // Not in a session: heartbeats go on for up to an hour after logout. Keep the
    // displayed status current without counting any time.
    this.next.status = sameStatus(this.next.status, status) ? this.next.status : { ...status, since: this.at };
    this.next.activity = { name: status.name, since: this.next.status!.since };
  }

  /** LOGIN, or an event proving the agent is in the CCP although we missed its LOGIN. */
  private showsSession(): boolean {
    const { eventType, status, contacts } = this.event;
    if (eventType === 'LOGIN') return true;
    return contacts.length > 0 || (status !== null && status.type !== 'OFFLINE');
  }

  private login(status: { name: string; type: string }): void {
    const at = this.at;
    this.next.loggedIn = true;
    this.next.status = { ...status, since: at };
    this.next.contacts = this.event.contacts.map((c) => openContact(c, at));
    this.next.activity = { name: deriveActivity(this.next.contacts, status.name), since: at };
    for (const c of this.next.contacts) if (c.state === 'ENDED') this.countHandled(c);
  }

  private logout(): void {
    const at = this.at;
    if (this.next.loggedIn) {
      this.closeStatus();
      this.closeActivity();
      for (const c of this.next.contacts) this.leave(c);
    }
    const status = this.event.status ?? { name: 'Offline', type: 'OFFLINE' };
    this.next.loggedIn = false;
    this.next.contacts = [];
    this.next.status = { ...status, since: at };
    this.next.activity = { name: status.name, since: at };
  }

  private sync(status: { name: string; type: string }): void {
    const at = this.at;
    if (!sameStatus(this.next.status, status)) {
      this.closeStatus();
      this.next.status = { ...status, since: at };
    }

    const incoming = new Map(this.event.contacts.map((c) => [c.contactId, c]));
    const kept: OpenContact[] = [];
    for (const c of this.next.contacts) {
      if (incoming.has(c.contactId)) kept.push(c);
      else this.leave(c);
    }
    const byId = new Map(kept.map((c) => [c.contactId, c]));
    const contacts: OpenContact[] = [];
    for (const fact of this.event.contacts) {
      const current = byId.get(fact.contactId);
      if (!current) {
        const opened = openContact(fact, at);
        if (opened.state === 'ENDED') this.countHandled(opened);
        contacts.push(opened);
        continue;
      }
      if (current.state !== fact.state) {
        this.emit('contact', current.state, current.since, current.contactId);
        if (current.state === 'CONNECTED' && fact.state === 'CONNECTED_ONHOLD') {
          this.tallies.push({ agentArn: this.next.agentArn, kind: 'hold', contactId: current.contactId, at });
        }
        current.state = fact.state;
        current.since = at;
        current.connected ||= fact.connectedToAgent || CONNECTED_STATES.has(fact.state);
        if (fact.state === 'ENDED') this.countHandled(current);
      }
      current.channel = fact.channel ?? current.channel;
      current.queueName = fact.queueName ?? current.queueName;
      contacts.push(current);
    }
    this.next.contacts = contacts;

    const activity = deriveActivity(contacts, status.name);
    if (this.next.activity?.name !== activity) {
      this.closeActivity();
      this.next.activity = { name: activity, since: at };
    }
  }

  /** The contact is gone from the agent: close its interval and count it if it was handled. */
  private leave(c: OpenContact): void {
    this.emit('contact', c.state, c.since, c.contactId);
    if (c.connected) this.countHandled(c);
  }

  private countHandled(c: OpenContact): void {
    if (c.handled) return;
    c.handled = true;
    this.tallies.push({ agentArn: this.next.agentArn, kind: 'handled', contactId: c.contactId, at: this.at });
  }

  private closeStatus(): void {
    const s = this.next.status;
    if (s) this.emit('status', s.name, s.since, null, s.type);
  }

  private closeActivity(): void {
    const a = this.next.activity;
    if (a) this.emit('activity', a.name, a.since, null);
  }

  private emit(dimension: Dimension, name: string, start: number, contactId: string | null, statusType: string | null = null): void {
    if (start >= this.at) return; // nothing elapsed
    this.intervals.push({
      agentArn: this.next.agentArn,
      username: this.next.username,
      dimension,
      name,
      statusType,
      contactId,
      start,
      end: this.at,
    });
  }
}

function sameStatus(a: { name: string; type: string } | null, b: { name: string; type: string }): boolean {
  return a !== null && a.name === b.name && a.type === b.type;
}

function openContact(fact: ContactFact, at: number): OpenContact {
  return {
    contactId: fact.contactId,
    state: fact.state,
    since: at,
    channel: fact.channel,
    initiationMethod: fact.initiationMethod,
    initialContactId: fact.initialContactId,
    queueName: fact.queueName,
    connected: fact.connectedToAgent || CONNECTED_STATES.has(fact.state),
    handled: false,
  };
}
