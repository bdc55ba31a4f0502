import type { AgentFacts, ContactFact, RoutingProfileFact, StatusFact } from '../model.js';
import { deriveActivity } from './activity.js';
import { statusTypeOf, type StatusTypeRules } from './status.js';

export type Dimension = 'status' | 'activity' | 'contact';

/** A closed period [start, end) in one dimension. Times are ms since the epoch. */
export interface Interval {
  agentArn: string;
  username: string | null;
  dimension: Dimension;
  /** status name, activity, or contact state */
  name: string;
  /**
   * The status type (ROUTABLE, CUSTOM, OFFLINE) throughout the interval, for
   * the status and activity dimensions (an activity interval ends when the
   * status type changes); null for contact intervals
   */
  statusType: string | null;
  contactId: string | null;
  start: number;
  end: number;
}

/**
 * A countable moment: a hold starting, a connected contact disconnecting
 * (handled), or an offered contact going MISSED or REJECTED (nonResponse).
 */
export interface Tally {
  agentArn: string;
  kind: 'hold' | 'handled' | 'nonResponse';
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
  /** reached the agent: ConnectedToAgentTimestamp set, or seen connected, on hold or paused */
  connected: boolean;
  /** already counted in contactsHandled */
  handled: boolean;
  /** already counted in agentNonResponse */
  nonResponse?: boolean;
}

export interface AgentState {
  agentArn: string;
  instanceArn: string;
  username: string | null;
  loggedIn: boolean;
  /**
   * A LOGOUT ended the last session: only a LOGIN, or an event listing
   * contacts, opens the next one (Connect keeps the status and sends
   * heartbeats for up to an hour after logout)
   */
  awaitingLogin?: boolean;
  status: { name: string; type: string; since: number } | null;
  activity: { name: string; since: number } | null;
  contacts: OpenContact[];
  /** contacts open at the last LOGOUT, so that a re-login showing them again counts nothing twice */
  contactsAtLogout?: OpenContact[];
  lastEventAt: number | null;
  /** as the newest event that carried one showed it */
  routingProfile?: RoutingProfileFact;
}

export interface AgentOutputs {
  intervals: Interval[];
  tallies: Tally[];
}

/** The rules the agent projection reads. */
export interface AgentRules {
  statusTypes: StatusTypeRules;
}

const NO_RULES: AgentRules = { statusTypes: {} };

/** Contact states that prove the contact reached the agent. */
const CONNECTED_STATES: ReadonlySet<string> = new Set(['CONNECTED', 'CONNECTED_ONHOLD', 'PAUSED']);
/** Contact states of an offer the agent did not take. */
const NON_RESPONSE_STATES: ReadonlySet<string> = new Set(['MISSED', 'REJECTED']);

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
export function applyAgentEvent(state: AgentState, event: AgentFacts, rules: AgentRules = NO_RULES): { state: AgentState; outputs: AgentOutputs } {
  const fold = new AgentFold(state, event, rules);
  fold.apply();
  return { state: fold.next, outputs: { intervals: fold.intervals, tallies: fold.tallies } };
}

/** Folds a whole, already sorted, event sequence; used by tests and by rebuild-in-memory. */
export function foldAgentEvents(events: readonly AgentFacts[], rules: AgentRules = NO_RULES): { state: AgentState | null; outputs: AgentOutputs } {
  const outputs: AgentOutputs = { intervals: [], tallies: [] };
  let state: AgentState | null = null;
  for (const e of events) {
    const r = applyAgentEvent(state ?? initialAgentState(e.agentArn, e.instanceArn), e, rules);
    state = r.state;
    outputs.intervals.push(...r.outputs.intervals);
    outputs.tallies.push(...r.outputs.tallies);
  }
  return { state, outputs };
}

/**
 * The parts of a session still going on, as intervals up to the agent's last
 * event (heartbeats keep it within two minutes of now). Not part of the
 * closed-interval projection: the report adds them unless asked for closed
 * intervals only.
 */
export function openIntervals(agents: readonly AgentState[]): Interval[] {
  const out: Interval[] = [];
  for (const a of agents) {
    const end = a.lastEventAt;
    if (!a.loggedIn || end === null) continue;
    const base = { agentArn: a.agentArn, username: a.username, end };
    const statusType = a.status?.type ?? null;
    if (a.status && a.status.since < end) {
      out.push({ ...base, dimension: 'status', name: a.status.name, statusType, contactId: null, start: a.status.since });
    }
    if (a.activity && a.activity.since < end) {
      out.push({ ...base, dimension: 'activity', name: a.activity.name, statusType, contactId: null, start: a.activity.since });
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
    private readonly rules: AgentRules,
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
    const { eventType } = this.event;
    if (eventType === 'LOGOUT') return this.logout();
    if (!this.event.status) return;
    const status = this.typed(this.event.status);
    if (this.next.loggedIn) return this.sync(status);
    if (this.opensSession(status)) return this.login(status);
    // Not in a session: heartbeats go on for up to an hour after logout, with
    // the status the agent had. Keep the displayed status current without
    // counting any time.
    this.next.status = sameStatus(this.next.status, status) ? this.next.status : { ...status, since: this.at };
    this.next.activity = { name: status.name, since: this.next.status!.since };
  }

  private typed(status: StatusFact): { name: string; type: string } {
    return { name: status.name, type: statusTypeOf(status, this.rules.statusTypes) };
  }

  /**
   * LOGIN; or an event listing contacts (a LOGIN we missed); or, before any
   * LOGIN or LOGOUT was seen (a stream that starts mid-session), a status other
   * than Offline. After a LOGOUT a status alone proves nothing: Connect keeps
   * it and goes on sending heartbeats.
   */
  private opensSession(status: { type: string }): boolean {
    const { eventType, contacts } = this.event;
    if (eventType === 'LOGIN' || contacts.length > 0) return true;
    return !this.next.awaitingLogin && status.type !== 'OFFLINE';
  }

  private login(status: { name: string; type: string }): void {
    const at = this.at;
    const before = new Map((this.next.contactsAtLogout ?? []).map((c) => [c.contactId, c]));
    this.next.loggedIn = true;
    delete this.next.awaitingLogin;
    delete this.next.contactsAtLogout;
    this.next.status = { ...status, since: at };
    this.next.contacts = this.event.contacts.map((fact) => {
      const opened = openContact(fact, at);
      const earlier = before.get(fact.contactId);
      if (earlier) {
        opened.connected ||= earlier.connected;
        opened.handled = earlier.handled;
        if (earlier.nonResponse) opened.nonResponse = true;
      }
      return opened;
    });
    this.next.activity = { name: deriveActivity(this.next.contacts, status.name), since: at };
    for (const c of this.next.contacts) this.countState(c);
  }

  private logout(): void {
    const at = this.at;
    if (this.next.loggedIn) {
      const type = this.next.status!.type;
      this.closeStatus();
      this.closeActivity(type);
      for (const c of this.next.contacts) this.leave(c);
      if (this.next.contacts.length > 0) this.next.contactsAtLogout = this.next.contacts;
      else delete this.next.contactsAtLogout;
    }
    const status = this.event.status ? this.typed(this.event.status) : { name: 'Offline', type: 'OFFLINE' };
    this.next.loggedIn = false;
    this.next.awaitingLogin = true;
    this.next.contacts = [];
    this.next.status = { ...status, since: at };
    this.next.activity = { name: status.name, since: at };
  }

  private sync(status: { name: string; type: string }): void {
    const at = this.at;
    const typeBefore = this.next.status!.type;
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
        this.countState(opened);
        contacts.push(opened);
        continue;
      }
      if (current.state !== fact.state) {
        this.emit('contact', current.state, current.since, current.contactId);
        if (current.state === 'CONNECTED' && fact.state === 'CONNECTED_ONHOLD') this.tally('hold', current);
        current.state = fact.state;
        current.since = at;
        current.connected ||= fact.connectedToAgent || CONNECTED_STATES.has(fact.state);
        this.countState(current);
      } else if (fact.connectedToAgent) {
        current.connected = true;
      }
      current.channel = fact.channel ?? current.channel;
      current.queueName = fact.queueName ?? current.queueName;
      contacts.push(current);
    }
    this.next.contacts = contacts;

    const activity = deriveActivity(contacts, status.name);
    if (this.next.activity?.name !== activity || typeBefore !== status.type) {
      this.closeActivity(typeBefore);
      this.next.activity = { name: activity, since: at };
    }
  }

  /** Counts what the contact's current state means: a disconnect after a connection, or an offer not taken. */
  private countState(c: OpenContact): void {
    if (c.state === 'ENDED') this.countHandled(c);
    else if (NON_RESPONSE_STATES.has(c.state) && !c.nonResponse) {
      c.nonResponse = true;
      this.tally('nonResponse', c);
    }
  }

  /** The contact is gone from the agent: close its interval and count it if it was handled. */
  private leave(c: OpenContact): void {
    this.emit('contact', c.state, c.since, c.contactId);
    this.countHandled(c);
  }

  /** Once per agent and contact, for contacts that reached the agent; a supervisor's monitoring handles nothing. */
  private countHandled(c: OpenContact): void {
    if (c.handled || !c.connected || c.initiationMethod === 'MONITOR') return;
    c.handled = true;
    this.tally('handled', c);
  }

  private tally(kind: Tally['kind'], c: OpenContact): void {
    this.tallies.push({ agentArn: this.next.agentArn, kind, contactId: c.contactId, at: this.at });
  }

  private closeStatus(): void {
    const s = this.next.status;
    if (s) this.emit('status', s.name, s.since, null, s.type);
  }

  private closeActivity(statusType: string): void {
    const a = this.next.activity;
    if (a) this.emit('activity', a.name, a.since, null, statusType);
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
