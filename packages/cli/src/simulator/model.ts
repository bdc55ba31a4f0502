import type { AgentProfile, AgentStatusDef, Channel, QueueDef } from './roster.js';

/** One record as Connect would put it on a Kinesis stream. */
export interface SimEvent {
  /** EventTimestamp (agent events), LastUpdateTimestamp, i.e. delivery (contact records), or publication (contact events), ms */
  at: number;
  kind: 'agent' | 'contact' | 'contactEvent';
  /** the agent ARN (agent events) or the ContactId (contact records and events) */
  partitionKey: string;
  /** the JSON object Connect writes; read-only (payloads share unchanging parts) */
  payload: Record<string, unknown>;
}

/** Where a contact is in its life. */
export type Phase = 'flow' | 'waiting' | 'offered' | 'connected' | 'done';

/** One Connect contact (one contact record), while the simulation runs. Times in ms; -1 = not (yet) happened. */
export interface SimContact {
  id: string;
  channel: Channel;
  initiationMethod: 'INBOUND' | 'TRANSFER' | 'API' | 'OUTBOUND' | 'CALLBACK';
  /** the chain's first contact, null on that first contact itself */
  initialContactId: string | null;
  previousContactId: string | null;
  nextContactId: string | null;
  /** position in its transfer chain, 0 for the first */
  depth: number;
  customerNumber: string | null;
  systemNumber: string | null;
  initiatedAt: number;
  attributes: Record<string, string>;
  queue: QueueDef | null;
  enqueuedAt: number;
  dequeuedAt: number;
  /** times routed to an agent (AgentConnectionAttempts) */
  attempts: number;
  phase: Phase;
  /** the customer's patience ran out while an agent's phone was ringing */
  patienceExpired: boolean;
  /** agents not to route it to: who missed it, who transferred it */
  avoid: AgentProfile[];
  /** the agent who answered */
  handledBy: AgentProfile | null;
  connectedAt: number;
  holds: number;
  /** the customer's time on hold (the record's CustomerHoldDuration) */
  customerHoldMs: number;
  longestHoldMs: number;
  holdStartedAt: number;
  /** tasks: time paused (the record's AgentPauseDuration) */
  pauseMs: number;
  /** a supervisor monitoring the call, while they do */
  monitor: { agent: AgentRuntime; entry: AgentContactEntry } | null;
  disconnectedAt: number;
  disconnectReason: string | null;
  acwEndedAt: number;
}

/** A contact as one agent's snapshot lists it. */
export interface AgentContactEntry {
  contact: SimContact;
  state: string;
  stateStartIso: string;
  connectedIso: string | null;
  /** the Contacts[] element for the current state, built once */
  view: Record<string, unknown> | null;
  /** MONITOR on a supervisor's snapshot; else the contact's own initiation method */
  method?: 'MONITOR';
}

/** An agent-side state change requested while on contacts (CCP "next status"). */
export interface NextStatus {
  status: AgentStatusDef;
  /** how long a break lasts once it starts */
  durationMs: number;
  view: Record<string, unknown>;
}

/** A person in the simulated centre. */
export interface AgentRuntime {
  profile: AgentProfile;
  loggedIn: boolean;
  /** the shift is over: going Offline, then LOGOUT */
  ending: boolean;
  /** the shift is over and the agent logs out as soon as the last contact is cleared, keeping the status */
  logoutWhenFree: boolean;
  status: AgentStatusDef;
  statusView: Record<string, unknown>;
  /** bumps on every status change: stale timers compare it */
  statusToken: number;
  next: NextStatus | null;
  contacts: AgentContactEntry[];
  /** contacts routed to the agent (or work it took on) that do not show yet */
  pendingVoice: number;
  pendingChat: number;
  pendingTask: number;
  snapshot: Record<string, unknown> | null;
  lastEventAt: number;
  heartbeatScheduled: boolean;
  /** after LOGOUT, heartbeats go on until then */
  heartbeatsUntil: number;
  /** when the agent last became free for more work: longest idle is routed first */
  idleSince: number;
  /** LOGIN count, to drop timers of an earlier session */
  session: number;
}
