import { toProjectable, type ProjectableEvent } from '../parse/facts.js';
import type { AgentFacts } from '../model.js';
import { applyAgentEvent, initialAgentState, type AgentState, type Interval, type Tally } from '../projectors/agent.js';
import { alertsForIntervals, sweepAlerts } from '../projectors/alerts.js';
import { protectAgentName, type PrivacyRules } from '../privacy.js';
import { compareText } from '../store/ordering.js';
import type { AgentRecord, AgentSnapshot, AgentWrite, Emitted } from '../store/ports.js';
import type { PlanContext, ProjectionDefinition, Replay, ReplayContext } from './definition.js';

/** An agent's state is snapshotted every this many events, bounding a late event's re-fold. */
export const SNAPSHOT_EVERY = 256;

/** A replay writes an agent's outputs in parts once they reach this many. */
const REPLAY_FLUSH_OUTPUTS = 50_000;

/**
 * The agent projection (design.md "Agent projections"): the live seat map and
 * the closed intervals and tallies the report is built from. Custom storage:
 * outputs are kept per agent with the sort key of the event that emitted them,
 * so that a late event re-folds the agent from the last snapshot before it and
 * takes back what was emitted after.
 */
export const agentsProjection: ProjectionDefinition = {
  name: 'agents',
  version: 1,
  reads: ['agent'],
  storage: 'custom',
  changeKey: 'intervals',

  async plan(events, ctx, plan) {
    const byAgent = new Map<string, ProjectableEvent[]>();
    for (const p of events) {
      const list = byAgent.get(p.agent!.agentArn);
      if (list) list.push(p);
      else byAgent.set(p.agent!.agentArn, [p]);
    }
    if (byAgent.size === 0) return;
    const records = await ctx.projections.getAgents([...byAgent.keys()]);
    for (const [agentArn, list] of byAgent) {
      list.sort((a, b) => compareText(a.event.sortKey, b.event.sortKey));
      const write = await planAgent(ctx, agentArn, records.get(agentArn) ?? null, list);
      plan.writes.agents.push(write);
      plan.agents.push(write.record.state);
      plan.intervals.push(...write.intervals);
      plan.tallies.push(...write.tallies);
      if (write.rewindAfter !== null) plan.refolded++;
      if (write.intervals.length + write.tallies.length > 0) plan.changed.add(this.changeKey);
    }
    plan.alerts.push(...alertsForIntervals(plan.intervals, ctx.rules));
  },

  replay: (ctx) => new AgentReplay(ctx),

  async ongoingAlerts(projections, now, rules) {
    return sweepAlerts(await projections.listAgents(), now, rules);
  },
};

async function planAgent(ctx: PlanContext, agentArn: string, record: AgentRecord | null, events: ProjectableEvent[]): Promise<AgentWrite> {
  const first = events[0]!;
  const late = record !== null && compareText(first.event.sortKey, record.lastSortKey) <= 0;
  if (!late) {
    const fold = new AgentFolder(
      record?.state ?? initialAgentState(agentArn, first.agent!.instanceArn),
      record?.sinceSnapshot ?? 0,
      ctx.snapshotEvery,
      ctx.rules.privacy,
    );
    for (const e of events) fold.apply(e.event.sortKey, e.agent!);
    return fold.toWrite(agentArn, record, null);
  }
  // A late or re-delivered event: re-fold from the last snapshot before it,
  // reading the stream back from the event table (it holds the batch already).
  const snapshot: AgentSnapshot | null = await ctx.projections.snapshotBefore(agentArn, first.event.sortKey);
  const fold = new AgentFolder(snapshot?.state ?? initialAgentState(agentArn, first.agent!.instanceArn), 0, ctx.snapshotEvery, ctx.rules.privacy);
  for await (const stored of ctx.events.readStream(agentArn, snapshot?.sortKey)) {
    const p = toProjectable(stored);
    fold.apply(stored.sortKey, p.agent!);
  }
  return fold.toWrite(agentArn, record, snapshot?.sortKey ?? '');
}

/** Replays agent streams: each agent folded from its first event, its outputs written in parts. */
class AgentReplay implements Replay {
  private folder: AgentFolder | null = null;
  private agentArn = '';
  private ready: AgentWrite[] = [];
  heldOutputs = 0;
  built = 0;

  constructor(private readonly ctx: ReplayContext) {}

  apply({ event, agent }: ProjectableEvent): void {
    if (!this.folder) {
      this.folder = new AgentFolder(initialAgentState(agent!.agentArn, agent!.instanceArn), 0, this.ctx.snapshotEvery, this.ctx.rules.privacy);
      this.agentArn = event.streamId;
    }
    this.folder.apply(event.sortKey, agent!);
    if (this.folder.outputCount >= REPLAY_FLUSH_OUTPUTS) {
      this.ready.push(this.folder.drain(this.agentArn));
      // a long stream is written in parts: the rebuild flushes now
      this.heldOutputs = Math.max(this.heldOutputs, REPLAY_FLUSH_OUTPUTS);
    }
  }

  endStream(): void {
    if (!this.folder) return;
    const write = this.folder.drain(this.agentArn);
    this.ready.push(write);
    this.heldOutputs += write.intervals.length;
    this.built++;
    this.folder = null;
  }

  take(writes: { agents: AgentWrite[] }): void {
    writes.agents.push(...this.ready);
    this.ready = [];
    this.heldOutputs = 0;
  }

  get heldUnits(): number {
    return this.ready.length;
  }
}

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
    private readonly privacy?: PrivacyRules,
  ) {}

  apply(sortKey: string, facts: AgentFacts): void {
    if (this.privacy && this.privacy.agentNames !== 'keep') {
      facts = { ...facts, username: protectAgentName(facts.username, this.privacy) };
    }
    const { state, outputs } = applyAgentEvent(this.state, facts);
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
