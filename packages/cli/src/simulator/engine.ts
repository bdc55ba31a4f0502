import TinyQueue from 'tinyqueue';
import { ContactEvents } from './contact-events.js';
import { runIvr } from './ivr.js';
import type { AgentContactEntry, AgentRuntime, SimContact, SimEvent } from './model.js';
import { HOUR_MS, type ResolvedOptions } from './options.js';
import { agentEvent, agentSnapshot, contactRecord, nextStatusView, statusView, type AgentEventType } from './payloads.js';
import { Rng } from './random.js';
import { CHAT_SLOTS, createInstance, RENAMED_ROUTABLE, Roster, type AgentStatusDef, type Channel, type Instance, type QueueDef } from './roster.js';
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
/** the softphone fails to connect an offered call: the contact shows ERROR until cleared */
const VOICE_ERROR = 0.01;
/** the agent declines an offered chat or task (voice shows a declined call as MISSED) */
const REJECT = 0.04;
/** a task is paused (and resumed) while being worked */
const TASK_PAUSE = 0.4;
/** a caller whose patience runs out in a voice queue asks for a callback instead of hanging up */
const CALLBACK_INSTEAD = 0.3;
const CALLBACK_PATIENCE_MS = 30 * MINUTE;
/** outbound calls an agent places, per agent per hour, and how many are answered */
const OUTBOUND_PER_AGENT_HOUR = 1;
const OUTBOUND_ANSWERED = 0.7;
/** a free agent (a supervisor) monitors a call that has just connected */
const MONITOR = 0.03;
/** an agent closes the CCP without going Offline first: Connect keeps the status after LOGOUT */
const STATUS_KEPT_AT_LOGOUT = 0.35;
/** tasks arrive at this share of the calls */
const TASKS_PER_CALL = 0.12;

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
  private readonly waiting: Record<QueueDef['key'], SimContact[]> = { sales: [], support: [], chat: [], task: [] };
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
    this.scheduleArrival('TASK');
    this.scheduleOutbound();
    this.scheduleRename();
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
        logoutWhenFree: false,
        status: offline,
        statusView: statusView(offline, this.now),
        statusToken: 0,
        next: null,
        contacts: [],
        pendingVoice: 0,
        pendingChat: 0,
        pendingTask: 0,
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
    return a.contacts.length > 0 || a.pendingVoice + a.pendingChat + a.pendingTask > 0;
  }

  private canTake(a: AgentRuntime, channel: Channel): boolean {
    if (!a.loggedIn || a.ending || a.next !== null || a.status.type !== 'ROUTABLE') return false;
    if (channel !== 'CHAT') return !this.busy(a);
    if (a.pendingVoice + a.pendingTask > 0) return false;
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
    a.logoutWhenFree = false;
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
    // Some close the CCP as they are: Connect does not set Offline, the status persists after LOGOUT.
    const keepStatus = a.status === offline || this.rng.chance(STATUS_KEPT_AT_LOGOUT);
    if (this.busy(a)) {
      if (keepStatus) {
        a.logoutWhenFree = true;
        return;
      }
      a.next = { status: offline, durationMs: 0, view: nextStatusView(offline, this.now) };
      this.emitAgent(a, 'STATE_CHANGE');
      return;
    }
    if (keepStatus) {
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
    if (this.busy(a)) return;
    if (a.logoutWhenFree) {
      a.logoutWhenFree = false;
      this.atAgent(a, this.now + this.rng.between(2 * SECOND, 20 * SECOND), () => this.logout(a));
      return;
    }
    if (!a.next) return;
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
    const perAgentHour =
      channel === 'VOICE' ? this.o.callsPerAgentHour : channel === 'CHAT' ? this.o.chatsPerAgentHour : this.o.callsPerAgentHour * TASKS_PER_CALL;
    const perHour = perAgentHour * this.o.agents;
    if (perHour <= 0) return;
    const at = this.now + Math.max(1, this.rng.exponential(HOUR_MS / perHour));
    if (at >= this.o.end) return;
    this.schedule(at, () => {
      if (channel === 'VOICE') this.callArrives();
      else this.digitalArrives(channel);
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
      customerHoldMs: 0,
      longestHoldMs: 0,
      holdStartedAt: -1,
      pauseMs: 0,
      monitor: null,
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

  /** A chat, or a task (created through the API, e.g. by a form), queued after a moment. */
  private digitalArrives(channel: 'CHAT' | 'TASK'): void {
    const c = this.newContact(channel, 'API');
    this.contactEvents?.initiated(c, this.now);
    const q = channel === 'CHAT' ? this.instance.queues.chat : this.instance.queues.task;
    this.schedule(this.now + this.rng.between(1.5 * SECOND, 4 * SECOND), () => this.enqueue(c, q));
  }

  // ---------------------------------------------------------------- queues and routing

  private enqueue(c: SimContact, q: QueueDef): void {
    c.queue = q;
    c.enqueuedAt = this.now;
    c.phase = 'waiting';
    this.contactEvents?.queued(c, this.now);
    this.waiting[q.key].push(c);
    const mean = c.channel === 'VOICE' ? VOICE_PATIENCE_MEAN : CHAT_PATIENCE_MEAN;
    const patience = c.initiationMethod === 'CALLBACK' ? CALLBACK_PATIENCE_MS : 5 * SECOND + this.rng.exponential(mean);
    this.schedule(this.now + patience, () => {
      if (c.phase === 'waiting') {
        this.unqueue(c);
        if (c.channel === 'VOICE' && c.initiationMethod !== 'CALLBACK' && this.rng.chance(CALLBACK_INSTEAD)) this.callbackInstead(c);
        else this.abandon(c);
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
    this.leaveQueue(c, 'CUSTOMER_DISCONNECT');
    this.finish(c);
  }

  /** The contact leaves the queue and ends without an agent. */
  private leaveQueue(c: SimContact, reason: string): void {
    c.phase = 'done';
    c.dequeuedAt = this.now;
    c.disconnectedAt = this.now;
    c.disconnectReason = reason;
    this.contactEvents?.disconnected(c, this.now);
  }

  /**
   * The caller leaves the queue asking to be called back: the call ends in the
   * flow and a CALLBACK contact, next in its chain, waits in the same queue.
   */
  private callbackInstead(c: SimContact): void {
    this.leaveQueue(c, 'CONTACT_FLOW_DISCONNECT');
    const cb = this.newContact('VOICE', 'CALLBACK');
    this.chain(c, cb);
    this.contactEvents?.initiated(cb, this.now);
    this.finish(c);
    this.schedule(this.now + this.rng.between(500, 2_000), () => this.enqueue(cb, c.queue!));
  }

  /** Links `next` after `c` in its chain (transfer or callback). */
  private chain(c: SimContact, next: SimContact): void {
    next.initialContactId = c.initialContactId ?? c.id;
    next.previousContactId = c.id;
    next.depth = c.depth + 1;
    next.customerNumber = c.customerNumber;
    next.systemNumber = c.systemNumber;
    next.attributes = { ...c.attributes };
    c.nextContactId = next.id;
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
        if (q.channel === 'CHAT' ? !chat : !voice) continue;
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
    this.pend(a, c.channel, +1);
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

  private pend(a: AgentRuntime, channel: Channel, n: number): void {
    if (channel === 'VOICE') a.pendingVoice += n;
    else if (channel === 'CHAT') a.pendingChat += n;
    else a.pendingTask += n;
  }

  /**
   * The offer shows on the agent: a queued callback as INCOMING (Connect dials
   * the customer once the agent accepts), anything else ringing (CONNECTING).
   */
  private ring(c: SimContact, a: AgentRuntime): void {
    this.pend(a, c.channel, -1);
    const e: AgentContactEntry = {
      contact: c,
      state: c.initiationMethod === 'CALLBACK' ? 'INCOMING' : 'CONNECTING',
      stateStartIso: isoMs(this.now),
      connectedIso: null,
      view: null,
    };
    a.contacts.push(e);
    c.attempts++;
    this.emitAgent(a, 'STATE_CHANGE');
    const { rng } = this;
    if (c.channel === 'VOICE' && rng.chance(VOICE_MISS)) {
      this.atAgent(a, this.now + RING_TIMEOUT_MS + rng.between(0, 400), () => this.notTaken(c, a, e, 'MISSED'));
      return;
    }
    if (c.channel !== 'VOICE' && rng.chance(REJECT)) {
      this.atAgent(a, this.now + rng.between(1_500, 8_000), () => this.notTaken(c, a, e, 'REJECTED'));
      return;
    }
    if (c.channel === 'VOICE' && c.initiationMethod !== 'CALLBACK' && rng.chance(VOICE_ERROR)) {
      this.atAgent(a, this.now + rng.between(1_000, 6_000), () => this.notTaken(c, a, e, 'ERROR'));
      return;
    }
    const ring = c.channel === 'VOICE' ? rng.logNormal(3_500, 0.5, 1_200, 15_000) : rng.logNormal(4_000, 0.5, 1_500, 15_000);
    if (c.initiationMethod === 'CALLBACK') {
      // accepted: Connect dials the customer (CONNECTING), who answers
      this.atAgent(a, this.now + ring, () => {
        this.setEntryState(e, 'CONNECTING', true);
        this.emitAgent(a, 'STATE_CHANGE');
        this.atAgent(a, this.now + rng.logNormal(9_000, 0.5, 3_000, 30_000), () => this.connect(c, a, e));
      });
      return;
    }
    this.atAgent(a, this.now + ring, () => this.connect(c, a, e));
  }

  /**
   * The offer was not taken: rang out or declined (MISSED; REJECTED for chats
   * and tasks), or failed to connect (ERROR). The contact shows so until the
   * agent clears it, and goes back to the queue.
   */
  private notTaken(c: SimContact, a: AgentRuntime, e: AgentContactEntry, state: 'MISSED' | 'REJECTED' | 'ERROR'): void {
    this.setEntryState(e, state, true);
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
    if (c.channel === 'TASK') return this.workTask(c, a, e);
    if (c.channel === 'VOICE' && rng.chance(MONITOR)) this.startMonitor(c, a);
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
          c.customerHoldMs += held;
          if (held > c.longestHoldMs) c.longestHoldMs = held;
          this.emitAgent(a, 'STATE_CHANGE');
          step(i + 1);
        });
      });
    };
    step(0);
  }

  /** A task worked, perhaps paused for a while (PAUSED, then CONNECTED again), then completed. */
  private workTask(c: SimContact, a: AgentRuntime, e: AgentContactEntry): void {
    const { rng } = this;
    const done = (): void => this.hangUp(c, a, e, 'AGENT_DISCONNECT', false);
    this.atAgent(a, this.now + rng.logNormal(4 * MINUTE, 0.6, 30 * SECOND, 30 * MINUTE), () => {
      if (!rng.chance(TASK_PAUSE)) return done();
      this.setEntryState(e, 'PAUSED', true);
      const pausedAt = this.now;
      this.emitAgent(a, 'STATE_CHANGE');
      this.atAgent(a, this.now + rng.logNormal(3 * MINUTE, 0.6, 20 * SECOND, 20 * MINUTE), () => {
        c.pauseMs += this.now - pausedAt;
        this.setEntryState(e, 'CONNECTED', true);
        this.emitAgent(a, 'STATE_CHANGE');
        this.atAgent(a, this.now + rng.logNormal(2 * MINUTE, 0.6, 20 * SECOND, 20 * MINUTE), done);
      });
    });
  }

  /**
   * A free agent (a supervisor) listens in: the call shows on their snapshot
   * too, with InitiationMethod MONITOR, until they stop or the call ends.
   */
  private startMonitor(c: SimContact, handling: AgentRuntime): void {
    const supervisor = this.online.find((x) => x !== handling && this.canTake(x, 'VOICE'));
    if (!supervisor) return;
    supervisor.pendingVoice++; // no contact is routed to them meanwhile
    this.atAgent(supervisor, this.now + this.rng.between(2 * SECOND, 20 * SECOND), () => {
      supervisor.pendingVoice--;
      if (c.phase !== 'connected' || !supervisor.loggedIn) return this.becameFree(supervisor);
      const entry: AgentContactEntry = { contact: c, state: 'CONNECTED', stateStartIso: isoMs(this.now), connectedIso: isoMs(this.now), view: null, method: 'MONITOR' };
      supervisor.contacts.push(entry);
      c.monitor = { agent: supervisor, entry };
      this.emitAgent(supervisor, 'STATE_CHANGE');
      this.atAgent(supervisor, this.now + this.rng.between(30 * SECOND, 4 * MINUTE), () => this.endMonitor(c));
    });
  }

  private endMonitor(c: SimContact): void {
    const m = c.monitor;
    if (!m) return;
    c.monitor = null;
    this.atAgent(m.agent, this.now, () => {
      this.removeEntry(m.agent, m.entry);
      this.applyNextStatus(m.agent);
      this.emitAgent(m.agent, 'STATE_CHANGE');
      this.becameFree(m.agent);
    });
  }

  /** The conversation is over: after-contact work (ENDED) until the agent clears the contact. */
  private hangUp(c: SimContact, a: AgentRuntime, e: AgentContactEntry, reason: string, transfer: boolean): void {
    this.setEntryState(e, 'ENDED', true);
    c.disconnectedAt = this.now;
    c.disconnectReason = reason;
    this.contactEvents?.disconnected(c, this.now);
    this.emitAgent(a, 'STATE_CHANGE');
    this.endMonitor(c);
    const { rng } = this;
    if (transfer) this.transfer(c);
    const acw = c.channel === 'VOICE' ? rng.logNormal(35 * SECOND, 0.7, 5 * SECOND, 10 * MINUTE) : rng.logNormal(20 * SECOND, 0.6, 3 * SECOND, 5 * MINUTE);
    this.clearAfter(c, a, e, acw);
  }

  /** After-contact work for `ms`, then the agent clears the contact: it is over, and the agent free. */
  private clearAfter(c: SimContact, a: AgentRuntime, e: AgentContactEntry, ms: number): void {
    this.atAgent(a, this.now + ms, () => {
      this.removeEntry(a, e);
      c.acwEndedAt = this.now;
      // a contact no agent took (a dial nobody answered) completed at its disconnect
      if (c.handledBy) this.contactEvents?.completed(c, this.now);
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
    this.chain(c, next);
    next.avoid.push(c.handledBy!);
    this.contactEvents?.initiated(next, this.now);
    const { sales, support } = this.instance.queues;
    const target = c.queue === sales ? support : sales;
    this.schedule(this.now + this.rng.between(800, 2_500), () => this.enqueue(next, target));
  }

  // ---------------------------------------------------------------- outbound calls

  private scheduleOutbound(): void {
    const perHour = OUTBOUND_PER_AGENT_HOUR * this.o.agents * Math.min(1, this.o.callsPerAgentHour);
    if (perHour <= 0) return;
    const at = this.now + Math.max(1, this.rng.exponential(HOUR_MS / perHour));
    if (at >= this.o.end) return;
    this.schedule(at, () => {
      const caller = this.online.filter((a) => this.canTake(a, 'VOICE')).sort((x, y) => x.idleSince - y.idleSince)[0];
      if (caller) this.dial(caller);
      this.scheduleOutbound();
    });
  }

  /**
   * The agent places a call: it shows CONNECTING (an outbound dial, on
   * contact in Connect's terms) until the customer answers, or ENDED when
   * nobody does (never connected: no ConnectedToAgentTimestamp).
   */
  private dial(a: AgentRuntime): void {
    a.pendingVoice++;
    this.atAgent(a, this.now + this.rng.between(1 * SECOND, 6 * SECOND), () => {
      a.pendingVoice--;
      if (!this.canTake(a, 'VOICE')) return;
      const c = this.newContact('VOICE', 'OUTBOUND');
      this.contactEvents?.initiated(c, this.now);
      c.customerNumber = this.instance.phones.customer(this.rng);
      c.systemNumber = this.rng.pick(this.instance.phones.systemNumbers);
      const e: AgentContactEntry = { contact: c, state: 'CONNECTING', stateStartIso: isoMs(this.now), connectedIso: null, view: null };
      a.contacts.push(e);
      c.attempts++;
      this.emitAgent(a, 'STATE_CHANGE');
      const { rng } = this;
      if (rng.chance(OUTBOUND_ANSWERED)) {
        this.atAgent(a, this.now + rng.logNormal(10_000, 0.5, 3_000, 40_000), () => this.connect(c, a, e));
        return;
      }
      this.atAgent(a, this.now + rng.between(20 * SECOND, 45 * SECOND), () => {
        this.setEntryState(e, 'ENDED', true);
        c.disconnectedAt = this.now;
        c.disconnectReason = 'OTHER';
        this.contactEvents?.disconnected(c, this.now);
        this.emitAgent(a, 'STATE_CHANGE');
        this.clearAfter(c, a, e, rng.between(2 * SECOND, 10 * SECOND));
      });
    });
  }

  // ---------------------------------------------------------------- the instance

  /**
   * An admin renames the routable status part way through (Connect allows it;
   * the type stays ROUTABLE): agents in it show the new name from their next
   * event on.
   */
  private scheduleRename(): void {
    const span = this.o.end - this.o.start;
    const at = this.o.start + (Number.isFinite(span) ? 0.6 * span : 2 * HOUR_MS);
    this.schedule(at, () => {
      const available = this.instance.statuses.available;
      available.name = RENAMED_ROUTABLE;
      for (const a of this.people.values()) {
        if (a.status === available) a.statusView = { ...a.statusView, Name: RENAMED_ROUTABLE };
      }
    });
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
