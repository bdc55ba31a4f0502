import type { AgentFacts, StoredEvent } from '../model.js';
import { applyAgentEvent, initialAgentState, type AgentRules, type AgentState, type Interval, type Tally } from '../projectors/agent.js';
import { newerContact, projectContact, type ContactProjection } from '../projectors/contacts.js';
import type { Rules } from '../rules.js';
import { protectAgentName } from '../privacy.js';
import {
  contactKey,
  type AgentRecord,
  type AgentSnapshot,
  type AgentWrite,
  type Emitted,
  type EventStore,
  type ProjectionReader,
  type ProjectionWrites,
} from '../store/ports.js';
import { toProjectable, type ProjectableEvent } from './facts.js';

/** An agent's state is snapshotted every this many events, bounding a late event's re-fold. */
export const SNAPSHOT_EVERY = 256;

export interface Plan {
  writes: ProjectionWrites;
  /** final state of every agent the batch touched */
  agents: AgentState[];
  /** outputs produced by this batch (all re-emitted outputs when an agent was re-folded) */
  intervals: Interval[];
  tallies: Tally[];
  /** contact rows that changed */
  contacts: ContactProjection[];
  /** agents re-folded from a snapshot because of late or re-delivered events */
  refolded: number;
}

/**
 * Plans how a batch of newly appended events changes the projections. Reads the
 * current projection state; writes nothing (the store commits the plan).
 * Events already in the event table may be in the batch again (redelivery):
 * they make the agent re-fold, which is idempotent.
 */
export interface PlanOptions {
  /** snapshot an agent every this many events (default SNAPSHOT_EVERY) */
  snapshotEvery?: number;
}

export async function planProjection(
  stores: { events: EventStore; projections: ProjectionReader },
  rules: Rules,
  batch: readonly ProjectableEvent[],
  options: PlanOptions = {},
): Promise<Plan> {
  const snapshotEvery = options.snapshotEvery ?? SNAPSHOT_EVERY;
  const plan: Plan = { writes: { agents: [], contacts: [] }, agents: [], intervals: [], tallies: [], contacts: [], refolded: 0 };
  const byAgent = new Map<string, ProjectableEvent[]>();
  const contactRows = new Map<string, ContactProjection>();

  for (const item of batch) {
    // contact events are stored; the queue projections that read them are not planned here yet
    const p = item.agent || item.contact || item.contactEvent ? item : toProjectable(item.event);
    if (p.agent) {
      const list = byAgent.get(p.agent.agentArn);
      if (list) list.push(p);
      else byAgent.set(p.agent.agentArn, [p]);
    } else if (p.contact) {
      const row = projectContact(p.contact, rules);
      const key = contactKey(row.instanceArn, row.contactId);
      contactRows.set(key, newerContact(contactRows.get(key), row));
    }
  }

  if (byAgent.size > 0) {
    const records = await stores.projections.getAgents([...byAgent.keys()]);
    for (const [agentArn, events] of byAgent) {
      events.sort((a, b) => compareKeys(a.event.sortKey, b.event.sortKey));
      const write = await planAgent(stores, agentArn, records.get(agentArn) ?? null, events, snapshotEvery, rules);
      plan.writes.agents.push(write);
      plan.agents.push(write.record.state);
      plan.intervals.push(...write.intervals);
      plan.tallies.push(...write.tallies);
      if (write.rewindAfter !== null) plan.refolded++;
    }
  }

  if (contactRows.size > 0) {
    const rows = [...contactRows.values()];
    const versions = await stores.projections.getContactVersions(rows);
    for (const row of rows) {
      const current = versions.get(contactKey(row.instanceArn, row.contactId));
      if (current === undefined || current < row.updatedAt) plan.contacts.push(row);
    }
    plan.writes.contacts = plan.contacts;
  }
  return plan;
}

async function planAgent(
  stores: { events: EventStore; projections: ProjectionReader },
  agentArn: string,
  record: AgentRecord | null,
  events: ProjectableEvent[],
  snapshotEvery: number,
  rules: FolderRules,
): Promise<AgentWrite> {
  const first = events[0]!;
  const late = record !== null && compareKeys(first.event.sortKey, record.lastSortKey) <= 0;
  if (!late) {
    const fold = new AgentFolder(
      record?.state ?? initialAgentState(agentArn, first.agent!.instanceArn),
      record?.sinceSnapshot ?? 0,
      snapshotEvery,
      rules,
    );
    for (const e of events) fold.apply(e.event.sortKey, e.agent!);
    return fold.toWrite(agentArn, record, null);
  }
  // A late or re-delivered event: re-fold from the last snapshot before it,
  // reading the stream back from the event table (it holds the batch already).
  const snapshot: AgentSnapshot | null = await stores.projections.snapshotBefore(agentArn, first.event.sortKey);
  const fold = new AgentFolder(snapshot?.state ?? initialAgentState(agentArn, first.agent!.instanceArn), 0, snapshotEvery, rules);
  for await (const stored of stores.events.readStream(agentArn, snapshot?.sortKey)) {
    const p = toProjectable(stored);
    fold.apply(stored.sortKey, p.agent!);
  }
  return fold.toWrite(agentArn, record, snapshot?.sortKey ?? '');
}

/** The rules an agent's fold reads: the agent projection's, and how to protect agent names. */
export type FolderRules = Pick<Rules, 'privacy'> & AgentRules;

/** Folds an agent's events in order, collecting outputs and periodic snapshots. */
export class AgentFolder {
  readonly intervals: Emitted<Interval>[] = [];
  readonly tallies: Emitted<Tally>[] = [];
  readonly snapshots: AgentSnapshot[] = [];
  private lastSortKey = '';

  constructor(
    private state: AgentState,
    private sinceSnapshot: number,
    private readonly snapshotEvery = SNAPSHOT_EVERY,
    private readonly rules?: FolderRules,
  ) {}

  apply(sortKey: string, facts: AgentFacts): void {
    const privacy = this.rules?.privacy;
    if (privacy && privacy.agentNames !== 'keep') {
      facts = { ...facts, username: protectAgentName(facts.username, privacy) };
    }
    const { state, outputs } = applyAgentEvent(this.state, facts, this.rules);
    this.state = state;
    this.lastSortKey = sortKey;
    for (const iv of outputs.intervals) this.intervals.push({ ...iv, emitKey: sortKey });
    for (const t of outputs.tallies) this.tallies.push({ ...t, emitKey: sortKey });
    if (++this.sinceSnapshot >= this.snapshotEvery) {
      this.snapshots.push({ sortKey, state });
      this.sinceSnapshot = 0;
    }
  }

  get current(): AgentState {
    return this.state;
  }

  get outputCount(): number {
    return this.intervals.length + this.tallies.length;
  }

  /** Hands over the outputs so far (for long streams written in parts) and keeps folding. */
  drain(agentArn: string): AgentWrite {
    const write = this.toWrite(agentArn, null, null);
    write.intervals = this.intervals.splice(0);
    write.tallies = this.tallies.splice(0);
    write.snapshots = this.snapshots.splice(0);
    return write;
  }

  toWrite(agentArn: string, previous: AgentRecord | null, rewindAfter: string | null): AgentWrite {
    return {
      agentArn,
      expectedVersion: previous?.version ?? 0,
      record: {
        state: this.state,
        lastSortKey: this.lastSortKey || previous?.lastSortKey || '',
        sinceSnapshot: this.sinceSnapshot,
        version: (previous?.version ?? 0) + 1,
      },
      rewindAfter,
      intervals: this.intervals,
      tallies: this.tallies,
      snapshots: this.snapshots,
    };
  }
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type { StoredEvent };
