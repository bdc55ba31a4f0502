import type { Alert } from '../alert.js';
import type { ProjectableEvent } from '../parse/facts.js';
import type { EventKind } from '../model.js';
import type { AgentState, Interval, Tally } from '../projectors/agent.js';
import type { ContactProjection } from '../projectors/contacts.js';
import type { Rules } from '../rules.js';
import type { EventStore, ProjectionReader, ProjectionWrites } from '../store/ports.js';

/**
 * Where a projection keeps its rows: `custom` tables of its own, tuned for its
 * reads (the agent projection's intervals, tallies and snapshots; the contact
 * rows), or the generic `documents` table, the latest document per key.
 */
export type Storage = 'custom' | 'documents';

/** Everything a batch changes in the projections, planned before anything is written. */
export interface Plan {
  writes: Required<ProjectionWrites>;
  /**
   * Alerts for occurrences that ended with the batch. Delivering the batch
   * again raises them again; the ledger publishes each occurrence once.
   */
  alerts: Alert[];
  /** the change keys (ProjectionDefinition.changeKey) of the projections whose rows changed */
  changed: Set<string>;
  /** agent projection: final state of every agent the batch touched */
  agents: AgentState[];
  /** agent projection: outputs of the batch (all re-emitted outputs when an agent was re-folded) */
  intervals: Interval[];
  tallies: Tally[];
  /** agent projection: agents re-folded from a snapshot because of late or re-delivered events */
  refolded: number;
  /** contact projection: rows that changed */
  contacts: ContactProjection[];
}

export function emptyPlan(): Plan {
  return {
    writes: { agents: [], contacts: [], documents: [] },
    alerts: [],
    changed: new Set(),
    agents: [],
    intervals: [],
    tallies: [],
    refolded: 0,
    contacts: [],
  };
}

/** What planning may read: the event table (re-folds) and the projections the plan applies to. */
export interface PlanContext {
  events: EventStore;
  projections: ProjectionReader;
  rules: Rules;
  /** agent projection: snapshot an agent every this many events */
  snapshotEvery: number;
}

/** What a replay may read: the generation being built (its own earlier flushes). */
export interface ReplayContext {
  target: ProjectionReader;
  rules: Rules;
  snapshotEvery: number;
  /** the generation held nothing when the replay began (not a continued rebuild): what the replay did not write is not there */
  fresh?: boolean;
}

/**
 * Rebuilds one projection from the event table, which a rebuild reads stream
 * by stream, each stream whole and in order.
 */
export interface Replay {
  /** An event of the current stream (only events of the kinds the projection reads). */
  apply(event: ProjectableEvent): void | Promise<void>;
  /** The current stream ended. */
  endStream(): void | Promise<void>;
  /** Outputs (e.g. intervals) and units (agents, rows, documents) held for writing: the rebuild flushes when they add up. */
  readonly heldOutputs: number;
  readonly heldUnits: number;
  /** Finishes folding what it holds; the rebuild awaits it before take(). */
  settle?(): Promise<void>;
  /** Moves the writes that are ready into `writes` (the rebuild commits them). */
  take(writes: Required<ProjectionWrites>): void;
  /** What it built so far (agents, contacts, documents): the rebuild's summary. */
  readonly built: number;
}

/**
 * A projection, declared once: its name and version, the events it reads, how
 * a batch of new events changes it (its pure fold, driven against the store
 * ports) and how the event table rebuilds it. The engine, `rebuild`, the
 * stale check and the sweep iterate the list in projections/index.ts.
 */
export interface ProjectionDefinition {
  readonly name: string;
  /**
   * Bump it when the fold or the meaning of its rows changes: projections a
   * store built with another version are stale (commands warn) until
   * `switchboard rebuild`.
   */
  readonly version: number;
  /** The kinds of event it folds. */
  readonly reads: readonly EventKind[];
  readonly storage: Storage;
  /** Its key in change notifications (the API's `projections` stream message). */
  readonly changeKey: string;
  /** Adds to `plan` what a batch of newly appended events (of the kinds it reads) changes. */
  plan(events: readonly ProjectableEvent[], ctx: PlanContext, plan: Plan): Promise<void>;
  /** Rebuilds the projection into a fresh generation. */
  replay(ctx: ReplayContext): Replay;
  /** Alerts for occurrences still going on at `now` (the sweep). */
  ongoingAlerts?(projections: ProjectionReader, now: number, rules: Rules): Promise<Alert[]>;
}
