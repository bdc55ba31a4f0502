import TinyQueue from 'tinyqueue';
import { ContactEvents } from './contact-events.js';
import { runIvr } from './ivr.js';
import type { AgentContactEntry, AgentRuntime, SimContact, SimEvent } from './model.js';
import { HOUR_MS, type ResolvedOptions } from './options.js';
import { agentEvent, agentSnapshot, contactRecord, nextStatusView, statusView, type AgentEventType } from './payloads.js';
import { Rng } from './random.js';
import { CHAT_SLOTS, createInstance, Roster, type AgentStatusDef, type Channel, type Instance, type QueueDef } from './roster.js';
import { ceilSecond, isoMs, isoSec, MINUTE, SECOND } from './time.js';

export type { SimEvent };

// Traffic model. Times in ms.
const SHIFT_MS = 8 * HOUR_MS;
const HEARTBEAT_MS = 120 * SECOND;
const RING_TIMEOUT_MS = 20 * SECOND;
const VOICE_MISS = 0.03;
const TRANSFER = 0.06;
const MAX_CHAIN_DEPTH = 2;
const VOICE_PATIENCE_MEAN = 150 * SECOND;
const CHAT_PATIENCE_MEAN = 300 * SECOND;
const CTR_DELIVERY_DELAY: readonly [number, number] = [20 * SECOND, 110 * SECOND];
const CTR_DUPLICATE = 0.01;
const CTR_UPDATE = 0.03;

interface Action {
  at: number;
  seq: number;
  run: () => void;
}

const byTime = (a: Action, b: Action): number => a.at - b.at || a.seq - b.seq;

/**
 * A discrete-event simulation of a contact centre on Amazon Connect. Actions run
 * in time order; each emits the records Connect would publish at that moment
 * (contact records are scheduled for their delivery time), so the output is in
 * non-decreasing time. All randomness comes from the seed.
 */
export class Simulation {
  private readonly rng: Rng;
  readonly instance: Instance;
  private readonly roster: Roster;
  private readonly actions = new TinyQueue<Action>([], byTime);
  private seq = 0;
  private now: number;
  private out: SimEvent[] = [];
  private readonly people = new Map<number, AgentRuntime>();
  private readonly online: AgentRuntime[] = [];
  private readonly waiting: Record<QueueDef['key'], SimContact[]> = { sales: [], support: [], chat: [] };
  private readonly shiftsPerSeat: number;
  private readonly contactEvents: ContactEvents | null;

  constructor(private readonly o: ResolvedOptions) {
    this.rng = new Rng(o.seed, 0);
    const identities = new Rng(o.seed, 1);
    this.instance = createInstance(identities, o);
    this.roster = new Roster(this.instance, identities, o.agents);
    this.now = o.start;
    this.contactEvents = o.contactEvents ? new ContactEvents(this.instance, o.seed, (e) => this.out.push(e)) : null;
    this.shiftsPerSeat = o.end === Infinity ? Infinity : Math.max(1, Math.round((o.end - o.start) / SHIFT_MS));
  }

  *events(): Generator<SimEvent> {
    for (let seat = 0; seat < this.o.agents; seat++) this.planShift(seat, 0);
    this.scheduleArrival('VOICE');
    this.scheduleArrival('CHAT');
    const actions = this.actions;
    while (actions.length > 0) {
      const action = actions.pop()!;
      this.now = action.at;
      action.run();
      if (this.out.length > 0) {
        const batch = this.out;
        this.out = [];
        yield* batch;
      }
    }
  }

  // ---------------------------------------------------------------- scheduling

  private schedule(at: number, run: () => void): void {
    const t = Math.round(at);
    this.actions.push({ at: t < this.now ? this.now : t, seq: this.seq++, run });
  }

  /**
   * Runs an action that publishes an event for the agent, never at the same
   * millisecond as the agent's previous event, so each agent's events have
   * strictly increasing EventTimestamps.
   */
  private atAgent(a: AgentRuntime, at: number, run: () => void): void {
    const session = a.session;
    const guarded = (): void => {
      if (a.session !== session) return; // a timer of an earlier login
      if (this.now <= a.lastEventAt) this.schedule(a.lastEventAt + 1, guarded);
      else run();
    };
    this.schedule(at, guarded);
  }

  // ---------------------------------------------------------------- agents

  private person(index: number): AgentRuntime {
    let a = this.people.get(index);
    if (!a) {
      const profile = this.roster.agent(index);
      const offline = this.instance.statuses.offline;
      a = {
        profile,
        loggedIn: false,
        ending: false,
        status: offline,
        statusView: statusView(offline, this.now),
        statusToken: 0,
        next: null,
        contacts: [],
        pendingVoice: 0,
        pendingChat: 0,
        snapshot: null,
        lastEventAt: -Infinity,
        heartbeatScheduled: false,
        heartbeatsUntil: -Infinity,
        idleSince: this.now,
        session: 0,
      };
      this.people.set(index, a);
    }
    return a;
  }

  private emitAgent(a: AgentRuntime, type: AgentEventType): void {
    const previous = a.snapshot ?? agentSnapshot(a);
    const current = type === 'HEART_BEAT' ? previous : agentSnapshot(a);
    a.snapshot = current;
    a.lastEventAt = this.now;
    const payload = agentEvent(this.instance, a, type, this.rng.uuid(), this.now, previous, current);
    this.out.push({ at: this.now, kind: 'agent', partitionKey: a.profile.arn, payload });
    this.ensureHeartbeat(a);
  }

  /** HEART_BEAT every 120 s in which the agent published nothing else; for a while after LOGOUT too. */
  private ensureHeartbeat(a: AgentRuntime): void {
    if (a.heartbeatScheduled) return;
    a.heartbeatScheduled = true;
    this.schedule(a.lastEventAt + HEARTBEAT_MS + this.rng.int(0, 900), () => this.heartbeat(a));
  }

  private heartbeat(a: AgentRuntime): void {
    a.heartbeatScheduled = false;
    if (!a.loggedIn && this.now > a.heartbeatsUntil) return;
    const due = a.lastEventAt + HEARTBEAT_MS;
    if (this.now < due) {
      a.heartbeatScheduled = true;
      this.schedule(due + this.rng.int(0, 900), () => this.heartbeat(a));
      return;
    }
    this.emitAgent(a, 'HEART_BEAT');
  }

  private setStatus(a: AgentRuntime, status: AgentStatusDef): void {
    a.status = status;
    a.statusView = statusView(status, this.now);
    a.statusToken++;
  }

  private busy(a: AgentRuntime): boolean {
    return a.contacts.length > 0 || a.pendingVoice + a.pendingChat > 0;
  }

  private canTake(a: AgentRuntime, channel: Channel): boolean {
    if (!a.loggedIn || a.ending || a.next !== null || a.status.type !== 'ROUTABLE') return false;
    if (channel === 'VOICE') return a.contacts.length === 0 && a.pendingVoice + a.pendingChat === 0;
    if (a.pendingVoice > 0) return false;
    let chats = a.pendingChat;
    for (const e of a.contacts) {
      if (e.contact.channel !== 'CHAT') return false;
      chats++;
    }
    return chats < CHAT_SLOTS;
  }

  // ---------------------------------------------------------------- shifts

  /**
   * Seats are staffed in 8-hour shifts. The first shift logs in during the
   * first minutes; later shifts log in 5-15 minutes before the handover and
   * the outgoing agents log out up to 10 minutes after it, so shifts overlap
   * and the number of logged-in agents stays steady. Three people rotate on a
   * seat. A finite run ends its last shift around the end.
   */
  private planShift(seat: number, k: number): void {
    const { o, rng } = this;
    const span = o.end - o.start;
    const boundary = o.start + k * SHIFT_MS;
    const login = k === 0 ? o.start + rng.between(0, Math.min(3 * MINUTE, span * 0.05)) : boundary - rng.between(5 * MINUTE, 15 * MINUTE);
    const last = k === this.shiftsPerSeat - 1;
    let logout = last ? o.end - rng.between(0, Math.min(10 * MINUTE, span * 0.1)) : boundary + SHIFT_MS + rng.between(0, 10 * MINUTE);
    logout = Math.max(logout, login + MINUTE);
    const a = this.person(seat + o.agents * (k % 3));
    this.schedule(login, () => {
      if (k + 1 < this.shiftsPerSeat) this.planShift(seat, k + 1);
      this.login(a, logout);
    });
  }

  private login(a: AgentRuntime, logoutAt: number): void {
    if (a.loggedIn) return;
    if (this.now <= a.lastEventAt) {
      this.schedule(a.lastEventAt + 1, () => this.login(a, logoutAt));
      return;
    }
    a.session++;
    a.loggedIn = true;
    a.ending = false;
    a.next = null;
    this.online.push(a);
    // The CCP starts Offline; Offline's StartTimestamp is the last logout, or now on a first login.
    if (a.session === 1 || a.status !== this.instance.statuses.offline) this.setStatus(a, this.instance.statuses.offline);
    this.emitAgent(a, 'LOGIN');

    const { rng } = this;
    this.atAgent(a, this.now + rng.between(8 * SECOND, 75 * SECOND), () => {
      if (a.ending || a.status !== this.instance.statuses.offline) return;
      this.setStatus(a, this.instance.statuses.available);
      this.emitAgent(a, 'STATE_CHANGE');
      this.becameFree(a);
    });

    // Breaks and lunch, staggered across agents.
    const length = logoutAt - this.now;
    const { break: brk, lunch } = this.instance.statuses;
    const plan: [number, AgentStatusDef, number][] = [];
    if (length >= 5 * HOUR_MS) {
      plan.push([0.25 * length + rng.between(-15, 15) * MINUTE, brk, rng.between(10, 15) * MINUTE]);
      plan.push([0.5 * length + rng.between(-45, 45) * MINUTE, lunch, rng.between(45, 60) * MINUTE]);
      plan.push([0.8 * length + rng.between(-15, 15) * MINUTE, brk, rng.between(10, 15) * MINUTE]);
    } else if (length >= 2 * HOUR_MS) {
      plan.push([0.3 * length + rng.between(-15, 15) * MINUTE, brk, rng.between(10, 15) * MINUTE]);
      plan.push([0.7 * length + rng.between(-15, 15) * MINUTE, brk, rng.between(10, 15) * MINUTE]);
    } else if (length >= HOUR_MS) {
      plan.push([0.5 * length + rng.between(-10, 10) * MINUTE, brk, rng.between(8, 12) * MINUTE]);
    }
    for (const [offset, status, duration] of plan) {
      this.atAgent(a, this.now + offset, () => this.wantStatus(a, status, duration));
    }
    this.atAgent(a, logoutAt, () => this.endShift(a));
  }

  /** The agent asks for a break: now if free, else as the next status (no new contacts meanwhile). */
  private wantStatus(a: AgentRuntime, status: AgentStatusDef, durationMs: number): void {
    if (!a.loggedIn || a.ending || a.next !== null || a.status.type !== 'ROUTABLE') return;
    if (this.busy(a)) {
      a.next = { status, durationMs, view: nextStatusView(status, this.now) };
      this.emitAgent(a, 'STATE_CHANGE');
      return;
    }
    this.startStatus(a, status, durationMs);
    this.emitAgent(a, 'STATE_CHANGE');
  }

  /** Sets a break or Offline status and schedules what follows it; the caller publishes. */
  private startStatus(a: AgentRuntime, status: AgentStatusDef, durationMs: number): void {
    this.setStatus(a, status);
    if (status === this.instance.statuses.offline) {
      this.atAgent(a, this.now + this.rng.between(4 * SECOND, 40 * SECOND), () => this.logout(a));
      return;
    }
    const token = a.statusToken;
    this.atAgent(a, this.now + durationMs, () => {
      if (a.statusToken !== token || !a.loggedIn || a.ending) return;
      this.setStatus(a, this.instance.statuses.available);
      this.emitAgent(a, 'STATE_CHANGE');
      this.becameFree(a);
    });
  }

  private endShift(a: AgentRuntime): void {
    if (!a.loggedIn || a.ending) return;
    a.ending = true;
    const offline = this.instance.statuses.offline;
    if (this.busy(a)) {
      a.next = { status: offline, durationMs: 0, view: nextStatusView(offline, this.now) };
      this.emitAgent(a, 'STATE_CHANGE');
      return;
    }
    if (a.status === offline) {
      this.atAgent(a, this.now + this.rng.between(2 * SECOND, 20 * SECOND), () => this.logout(a));
      return;
    }
    this.startStatus(a, offline, 0);
    this.emitAgent(a, 'STATE_CHANGE');
  }

  private logout(a: AgentRuntime): void {
    if (!a.loggedIn) return;
    a.loggedIn = false;
    a.ending = false;
    a.next = null;
    const i = this.online.indexOf(a);
    if (i >= 0) this.online.splice(i, 1);
    a.heartbeatsUntil = Math.min(this.now + this.rng.between(3 * MINUTE, 60 * MINUTE), this.o.end);
    this.emitAgent(a, 'LOGOUT');
  }

  /** After the last contact leaves: the requested next status takes effect. The caller publishes. */
  private applyNextStatus(a: AgentRuntime): void {
    if (!a.next || this.busy(a)) return;
    const next = a.next;
    a.next = null;
    this.startStatus(a, next.status, next.durationMs);
  }

  private becameFree(a: AgentRuntime): void {
    if (!this.canTake(a, 'VOICE') && !this.canTake(a, 'CHAT')) return;
    a.idleSince = this.now;
    this.routeToAgent(a);
  }

  // ---------------------------------------------------------------- arrivals

  private scheduleArrival(channel: Channel): void {
    const perAgentHour = channel === 'VOICE' ? this.o.callsPerAgentHour : this.o.chatsPerAgentHour;
    const perHour = perAgentHour * this.o.agents;
    if (perHour <= 0) return;
    const at = this.now + Math.max(1, this.rng.exponential(HOUR_MS / perHour));
    if (at >= this.o.end) return;
    this.schedule(at, () => {
      if (channel === 'VOICE') this.callArrives();
      else this.chatArrives();
      this.scheduleArrival(channel);
    });
  }

  private newContact(channel: Channel, method: SimContact['initiationMethod']): SimContact {
    return {
      id: this.rng.uuid(),
      channel,
      initiationMethod: method,
      initialContactId: null,
      previousContactId: null,
      nextContactId: null,
      depth: 0,
      customerNumber: null,
      systemNumber: null,
      initiatedAt: this.now,
      attributes: {},
      queue: null,
      enqueuedAt: -1,
      dequeuedAt: -1,
      attempts: 0,
      phase: 'flow',
      patienceExpired: false,
      avoid: [],
      handledBy: null,
      connectedAt: -1,
      holds: 0,
      holdMs: 0,
      longestHoldMs: 0,
      holdStartedAt: -1,
      disconnectedAt: -1,
      disconnectReason: null,
      acwEndedAt: -1,
    };
  }

  private callArrives(): void {
    const c = this.newContact('VOICE', 'INBOUND');
    this.contactEvents?.initiated(c, this.now);
    c.customerNumber = this.instance.phones.customer(this.rng);
    c.systemNumber = this.rng.pick(this.instance.phones.systemNumbers);
    const ivr = runIvr(this.rng);
    c.attributes = ivr.attributes;
    this.schedule(this.now + ivr.after, () => {
      if (ivr.kind === 'queue') {
        this.enqueue(c, this.instance.queues[ivr.queue]);
        return;
      }
      c.disconnectedAt = this.now;
      c.disconnectReason = ivr.kind === 'hangup' ? 'CUSTOMER_DISCONNECT' : 'CONTACT_FLOW_DISCONNECT';
      this.contactEvents?.disconnected(c, this.now);
      this.finish(c);
    });
  }

  private chatArrives(): void {
    const c = this.newContact('CHAT', 'API');
    this.contactEvents?.initiated(c, this.now);
    this.schedule(this.now + this.rng.between(1.5 * SECOND, 4 * SECOND), () => this.enqueue(c, this.instance.queues.chat));
  }

  // ---------------------------------------------------------------- queues and routing

  private enqueue(c: SimContact, q: QueueDef): void {
    c.queue = q;
    c.enqueuedAt = this.now;
    c.phase = 'waiting';
    this.contactEvents?.queued(c, this.now);
    this.waiting[q.key].push(c);
    const mean = c.channel === 'VOICE' ? VOICE_PATIENCE_MEAN : CHAT_PATIENCE_MEAN;
    this.schedule(this.now + 5 * SECOND + this.rng.exponential(mean), () => {
      if (c.phase === 'waiting') {
        this.unqueue(c);
        this.abandon(c);
      } else if (c.phase === 'offered') {
        c.patienceExpired = true;
      }
    });
    this.routeContact(c);
  }

  private unqueue(c: SimContact): void {
    const list = this.waiting[c.queue!.key];
    const i = list.indexOf(c);
    if (i >= 0) list.splice(i, 1);
  }

  /** Back to the queue after a missed offer, in its original place (oldest first). */
  private requeue(c: SimContact): void {
    const list = this.waiting[c.queue!.key];
    let i = list.length;
    while (i > 0 && list[i - 1]!.enqueuedAt > c.enqueuedAt) i--;
    list.splice(i, 0, c);
    c.phase = 'waiting';
    this.routeContact(c);
  }

  private abandon(c: SimContact): void {
    c.phase = 'done';
    c.dequeuedAt = this.now;
    c.disconnectedAt = this.now;
    c.disconnectReason = 'CUSTOMER_DISCONNECT';
    this.contactEvents?.disconnected(c, this.now);
    this.finish(c);
  }

  private serves(a: AgentRuntime, q: QueueDef): boolean {
    return a.profile.profile.queues.includes(q);
  }

  /** A contact waits: the agent free the longest (for chats: with the fewest chats) gets it. */
  private routeContact(c: SimContact): void {
    const q = c.queue!;
    let best: AgentRuntime | null = null;
    let bestLoad = Infinity;
    for (const a of this.online) {
      if (!this.serves(a, q) || !this.canTake(a, c.channel) || c.avoid.includes(a.profile)) continue;
      const load = c.channel === 'CHAT' ? a.contacts.length + a.pendingChat : 0;
      if (load < bestLoad || (load === bestLoad && a.idleSince < best!.idleSince)) {
        best = a;
        bestLoad = load;
      }
    }
    if (best) this.offer(c, best);
  }

  /** An agent has room: the longest-waiting contact of its queues that fits. */
  private routeToAgent(a: AgentRuntime): void {
    for (;;) {
      const voice = this.canTake(a, 'VOICE');
      const chat = this.canTake(a, 'CHAT');
      if (!voice && !chat) return;
      let best: SimContact | null = null;
      for (const q of a.profile.profile.queues) {
        if (q.channel === 'VOICE' ? !voice : !chat) continue;
        const head = this.waiting[q.key].find((c) => !c.avoid.includes(a.profile));
        if (head && (!best || head.enqueuedAt < best.enqueuedAt)) best = head;
      }
      if (!best) return;
      this.offer(best, a);
    }
  }

  private offer(c: SimContact, a: AgentRuntime): void {
    this.unqueue(c);
    c.phase = 'offered';
    if (c.channel === 'VOICE') a.pendingVoice++;
    else a.pendingChat++;
    this.atAgent(a, this.now + this.rng.between(250, 1_500), () => this.ring(c, a));
  }

  // ---------------------------------------------------------------- a contact on an agent

  private setEntryState(e: AgentContactEntry, state: string, resetStart: boolean): void {
    e.state = state;
    if (resetStart) e.stateStartIso = isoMs(this.now);
    e.view = null;
  }

  private removeEntry(a: AgentRuntime, e: AgentContactEntry): void {
    const i = a.contacts.indexOf(e);
    if (i >= 0) a.contacts.splice(i, 1);
  }

  private ring(c: SimContact, a: AgentRuntime): void {
    if (c.channel === 'VOICE') a.pendingVoice--;
    else a.pendingChat--;
    const e: AgentContactEntry = {
      contact: c,
      state: c.initiationMethod === 'TRANSFER' ? 'INCOMING' : 'CONNECTING',
      stateStartIso: isoMs(this.now),
      connectedIso: null,
      view: null,
    };
    a.contacts.push(e);
    c.attempts++;
    this.emitAgent(a, 'STATE_CHANGE');
    const { rng } = this;
    if (c.channel === 'VOICE' && rng.chance(VOICE_MISS)) {
      this.atAgent(a, this.now + RING_TIMEOUT_MS + rng.between(0, 400), () => this.miss(c, a, e));
      return;
    }
    const ring = c.channel === 'VOICE' ? rng.logNormal(3_500, 0.5, 1_200, 15_000) : rng.logNormal(4_000, 0.5, 1_500, 15_000);
    this.atAgent(a, this.now + ring, () => this.connect(c, a, e));
  }

  /** Ring-no-answer: the contact shows MISSED until the agent clears it, and goes back to the queue. */
  private miss(c: SimContact, a: AgentRuntime, e: AgentContactEntry): void {
    this.setEntryState(e, 'MISSED', true);
    this.emitAgent(a, 'STATE_CHANGE');
    c.avoid.push(a.profile);
    if (c.patienceExpired) this.abandon(c);
    else this.requeue(c);
    this.atAgent(a, this.now + this.rng.between(4 * SECOND, 30 * SECOND), () => {
      this.removeEntry(a, e);
      this.applyNextStatus(a);
      this.emitAgent(a, 'STATE_CHANGE');
      this.becameFree(a);
    });
  }

  private connect(c: SimContact, a: AgentRuntime, e: AgentContactEntry): void {
    this.setEntryState(e, 'CONNECTED', true);
    e.connectedIso = e.stateStartIso;
    c.phase = 'connected';
    c.connectedAt = this.now;
    c.dequeuedAt = this.now;
    c.handledBy = a.profile;
    this.contactEvents?.connectedToAgent(c, this.now);
    this.emitAgent(a, 'STATE_CHANGE');
    const { rng } = this;
    if (c.channel === 'CHAT') {
      const length = rng.logNormal(7 * MINUTE, 0.6, 45 * SECOND, 45 * MINUTE);
      this.atAgent(a, this.now + length, () => this.hangUp(c, a, e, rng.chance(0.55) ? 'CUSTOMER_DISCONNECT' : 'AGENT_DISCONNECT', false));
      return;
    }
    const talk = rng.logNormal(3.5 * MINUTE, 0.6, 25 * SECOND, 25 * MINUTE);
    const holds = rng.weighted<number>([
      [0, 70],
      [1, 20],
      [2, 8],
      [3, 2],
    ]);
    const transfer = c.depth < MAX_CHAIN_DEPTH && rng.chance(TRANSFER);
    const cuts = Array.from({ length: holds }, () => rng.between(0.1, 0.9)).sort((x, y) => x - y);
    const parts: number[] = [];
    let previous = 0;
    for (const cut of [...cuts, 1]) {
      parts.push(Math.max(2 * SECOND, (cut - previous) * talk));
      previous = cut;
    }
    const step = (i: number): void => {
      this.atAgent(a, this.now + parts[i]!, () => {
        if (i === holds) {
          const reason = transfer ? 'AGENT_DISCONNECT' : rng.chance(0.7) ? 'CUSTOMER_DISCONNECT' : 'AGENT_DISCONNECT';
          this.hangUp(c, a, e, reason, transfer);
          return;
        }
        // On hold: Connect keeps the contact's StateStartTimestamp.
        this.setEntryState(e, 'CONNECTED_ONHOLD', false);
        c.holds++;
        c.holdStartedAt = this.now;
        this.emitAgent(a, 'STATE_CHANGE');
        this.atAgent(a, this.now + rng.logNormal(40 * SECOND, 0.6, 6 * SECOND, 6 * MINUTE), () => {
          this.setEntryState(e, 'CONNECTED', false);
          const held = this.now - c.holdStartedAt;
          c.holdMs += held;
          if (held > c.longestHoldMs) c.longestHoldMs = held;
          this.emitAgent(a, 'STATE_CHANGE');
          step(i + 1);
        });
      });
    };
    step(0);
  }

  /** The conversation is over: after-contact work (ENDED) until the agent clears the contact. */
  private hangUp(c: SimContact, a: AgentRuntime, e: AgentContactEntry, reason: string, transfer: boolean): void {
    this.setEntryState(e, 'ENDED', true);
    c.disconnectedAt = this.now;
    c.disconnectReason = reason;
    this.contactEvents?.disconnected(c, this.now);
    this.emitAgent(a, 'STATE_CHANGE');
    const { rng } = this;
    if (transfer) this.transfer(c);
    const acw = c.channel === 'VOICE' ? rng.logNormal(35 * SECOND, 0.7, 5 * SECOND, 10 * MINUTE) : rng.logNormal(20 * SECOND, 0.6, 3 * SECOND, 5 * MINUTE);
    this.atAgent(a, this.now + acw, () => {
      this.removeEntry(a, e);
      c.acwEndedAt = this.now;
      this.contactEvents?.completed(c, this.now);
      c.phase = 'done';
      this.applyNextStatus(a);
      this.emitAgent(a, 'STATE_CHANGE');
      this.finish(c);
      this.becameFree(a);
    });
  }

  /** Quick-connect transfer to the other voice queue: a new contact in the chain. */
  private transfer(c: SimContact): void {
    const next = this.newContact('VOICE', 'TRANSFER');
    next.initialContactId = c.initialContactId ?? c.id;
    next.previousContactId = c.id;
    next.depth = c.depth + 1;
    next.customerNumber = c.customerNumber;
    next.systemNumber = c.systemNumber;
    next.attributes = { ...c.attributes };
    next.avoid.push(c.handledBy!);
    c.nextContactId = next.id;
    this.contactEvents?.initiated(next, this.now);
    const { sales, support } = this.instance.queues;
    const target = c.queue === sales ? support : sales;
    this.schedule(this.now + this.rng.between(800, 2_500), () => this.enqueue(next, target));
  }

  // ---------------------------------------------------------------- contact records

  /** The contact is over: its record is delivered about a minute later, sometimes twice, sometimes updated. */
  private finish(c: SimContact): void {
    const { rng } = this;
    const over = Math.max(c.disconnectedAt, c.acwEndedAt);
    const lastUpdate = ceilSecond(over + rng.between(CTR_DELIVERY_DELAY[0], CTR_DELIVERY_DELAY[1]));
    const record = contactRecord(this.instance, c, lastUpdate);
    const deliver = (payload: Record<string, unknown>) => () => {
      this.out.push({ at: this.now, kind: 'contact', partitionKey: c.id, payload });
    };
    this.schedule(lastUpdate, deliver(record));
    if (rng.chance(CTR_DUPLICATE)) this.schedule(lastUpdate, deliver(record));
    if (c.handledBy && rng.chance(CTR_UPDATE)) {
      // A post-call survey result written with UpdateContactAttributes: Connect re-sends the record.
      const later = ceilSecond(lastUpdate + rng.between(2 * MINUTE, 30 * MINUTE));
      const updated = {
        ...record,
        Attributes: { ...c.attributes, csat_score: String(rng.int(1, 5)) },
        LastUpdateTimestamp: isoSec(later),
      };
      this.schedule(later, deliver(updated));
    }
  }
}
