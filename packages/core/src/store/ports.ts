import type { AppendedEvent, NewEvent, Rejection, StoredEvent } from '../model.js';
import type { AgentState, Interval, Tally } from '../projectors/agent.js';
import type { ContactProjection, Outcome } from '../projectors/contacts.js';
import type { ReportTotals } from '../projectors/report.js';
import type { Alert } from '../alert.js';

/** An interval or tally with the sort key of the event that produced it. */
export type Emitted<T> = T & { emitKey: string };

export interface AgentRecord {
  state: AgentState;
  /** sort key of the last applied event */
  lastSortKey: string;
  /** events applied since the last snapshot */
  sinceSnapshot: number;
  /** optimistic-concurrency version, incremented on every write */
  version: number;
}

export interface AgentSnapshot {
  sortKey: string;
  state: AgentState;
}

export interface AgentWrite {
  agentArn: string;
  record: AgentRecord;
  /** the version read before planning (0 = the agent was new); adapters may use it for conditional writes */
  expectedVersion: number;
  /**
   * When set, first delete outputs and snapshots emitted after this sort key
   * ('' = all of them): a late event re-folds the agent from a snapshot.
   */
  rewindAfter: string | null;
  intervals: Emitted<Interval>[];
  tallies: Emitted<Tally>[];
  snapshots: AgentSnapshot[];
}

/**
 * A document of a projection kept as the latest document per key (the
 * generic storage: projections/definition.ts, DocumentProjection).
 */
export interface StoredDocument<D = unknown> {
  key: string;
  doc: D;
  /** the time the document is filed under (range queries, retention); null: listed only without a range, never pruned */
  at: number | null;
  /** optimistic-concurrency version, incremented on every write */
  version: number;
}

export interface DocumentWrite {
  projection: string;
  key: string;
  /** the new document; null deletes it */
  doc: unknown;
  at: number | null;
  version: number;
  /** the version read before planning (0 = the document was new); adapters may use it for conditional writes */
  expectedVersion: number;
}

export interface DocumentQuery {
  /** ms: documents whose `at` is in [from, to); without either bound, every document (null `at` too) */
  from?: number;
  to?: number;
}

export interface ProjectionWrites {
  agents: AgentWrite[];
  /** contact rows that are newer than what the store holds */
  contacts: ContactProjection[];
  /** documents of the projections kept as the latest document per key */
  documents?: DocumentWrite[];
}

/** The version of each projection definition a generation was built with, by projection name. */
export type ProjectionVersions = Record<string, number>;

export interface ProjectionMeta {
  generation: number;
  rulesHash: string | null;
  builtAt: number | null;
  /** null: built before projections recorded their versions (see projections/index.ts) */
  versions: ProjectionVersions | null;
}

export interface IntervalQuery {
  agentArns?: string[];
  /** ms: intervals overlapping [from, to) */
  from?: number;
  to?: number;
  /** 'start': in order of start time (among equal starts, in no particular order); otherwise in no particular order */
  order?: 'start';
  /** false: contactId may be null (a reader that sums time needs none, and a store reads less) */
  contactIds?: boolean;
}

export interface TallyQuery {
  agentArns?: string[];
  from?: number;
  to?: number;
}

/** ms: slots within [from, to), both on slot edges (REPORT_SLOT_MS) */
export interface ReportTotalsQuery {
  agentArns?: string[];
  from?: number;
  to?: number;
}

export interface ContactQuery {
  outcome?: Outcome;
  from?: number;
  to?: number;
}

/** The immutable event table. */
export interface EventStore {
  /** Appends; an event whose (streamId, dedupeKey, occurredAt) exists is a duplicate and is skipped. */
  append(events: readonly NewEvent[], receivedAt: number): Promise<{ appended: AppendedEvent[]; duplicates: number }>;
  /** Keeps inputs that could not be accepted, with the reason. */
  quarantine(rejections: readonly Rejection[], receivedAt: number): Promise<void>;
  /** One stream in sort-key order, optionally after a sort key. */
  readStream(streamId: string, afterSortKey?: string): AsyncIterable<StoredEvent>;
  /**
   * Every event, grouped by stream and in sort-key order within a stream;
   * bounded memory. With `preferFacts`, events whose stored facts are of the
   * current parser version may come without their raw payload (raw = '') and
   * source (origin ''): replays read the facts and skip parsing kilobytes of JSON.
   */
  scanAll(options?: { preferFacts?: boolean }): AsyncIterable<StoredEvent>;
  counts(): Promise<{ events: number; quarantined: number; lastEventAt: number | null }>;
  listQuarantine(limit: number): Promise<Array<Rejection & { receivedAt: number }>>;
}

/** Read side of the projections of one generation. */
export interface ProjectionReader {
  getAgents(agentArns: readonly string[]): Promise<Map<string, AgentRecord>>;
  /** the latest snapshot strictly before the sort key */
  snapshotBefore(agentArn: string, sortKey: string): Promise<AgentSnapshot | null>;
  getContactVersions(keys: ReadonlyArray<{ instanceArn: string; contactId: string }>): Promise<Map<string, number>>;
  listAgents(): Promise<AgentState[]>;
  intervals(query: IntervalQuery): AsyncIterable<Interval>;
  tallies(query: TallyQuery): AsyncIterable<Tally>;
  /**
   * The intervals and tallies summed per agent and UTC 15-minute slot, for
   * the report, equal to what intervals() and tallies() give; absent where the
   * store keeps no such totals (the report then reads the rows).
   */
  reportTotals?(query: ReportTotalsQuery): AsyncIterable<ReportTotals>;
  /** In order of start time (among equal starts, in no particular order), so that a listing streams without sorting. */
  contacts(query: ContactQuery): AsyncIterable<ContactProjection>;
  /** The stored documents of a projection with these keys (absent keys have none). */
  getDocuments(projection: string, keys: readonly string[]): Promise<Map<string, StoredDocument>>;
  /** A projection's documents, in no particular order. */
  documents(projection: string, query?: DocumentQuery): AsyncIterable<StoredDocument>;
}

export interface ProjectionStore extends ProjectionReader {
  meta(): Promise<ProjectionMeta>;
  /** Records the rules hash (and projection versions) of a generation that has none yet (a new store). */
  claimRules(rulesHash: string, versions?: ProjectionVersions): Promise<void>;
  /** Applies a planned set of writes atomically where the store can (SQLite), else idempotently. */
  commit(writes: ProjectionWrites): Promise<void>;
}

/** Rebuild target: a fresh generation that becomes current only when complete. */
export interface Rebuildable {
  beginGeneration(rulesHash: string, versions?: ProjectionVersions): Promise<ProjectionStore & { generation: number }>;
  /**
   * Makes the generation current and drops older ones. Events appended since the
   * rebuild's scan began are handed to `catchUp` first, inside the same
   * transaction where the store has them, so none is missed.
   */
  switchTo(generation: number, rulesHash: string, catchUp: (events: StoredEvent[]) => Promise<void>): Promise<void>;
  /** Forgets a generation that was never switched to (an abandoned rebuild). */
  dropGeneration(generation: number): Promise<void>;
  /** How much a rebuild holds before it writes, when the store prefers other than the default (engine/rebuild.ts). */
  readonly rebuildFlush?: RebuildFlush;
}

/** A rebuild commits what its projections hold once their outputs (e.g. intervals) or their units (agents, contact rows, documents) reach these. */
export interface RebuildFlush {
  outputs: number;
  units: number;
}

/** Where a rebuild that had to stop continues: after a stream of the event table's scan, into the generation it was building. */
export interface RebuildCheckpoint {
  generation: number;
  rulesHash: string;
  /** the projection versions the generation is built with */
  versions: ProjectionVersions;
  /** opaque to the engine: the scan position after the last stream replayed (ResumableRebuild.positionAfter) */
  position: string;
  /** what the rebuild built so far (events, and units by projection) */
  built: Record<string, number>;
}

/**
 * A store whose rebuild can stop at a stream boundary and continue later, in
 * another process (the AWS rebuild function, bounded to 15 minutes an
 * invocation): the generation it builds stays unswitched, invisible to
 * readers, until a continuation completes it.
 */
export interface ResumableRebuild {
  /** The scan position just after `event`'s stream, in scanAll's order. */
  positionAfter(event: StoredEvent): string;
  /** scanAll from a position that positionAfter gave. */
  scanFrom(position: string, options?: { preferFacts?: boolean }): AsyncIterable<StoredEvent>;
  /** Records the checkpoint on its generation (which must still be building). */
  saveCheckpoint(checkpoint: RebuildCheckpoint): Promise<void>;
  /** The checkpoint of a rebuild left unfinished, with its generation, if any. */
  pendingRebuild(): Promise<{ checkpoint: RebuildCheckpoint; target: ProjectionStore & { generation: number } } | null>;
}

/** A store that can run several operations as one atomic unit. */
export interface Transactional {
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** Small persistent settings of a runtime, e.g. the Kinesis checkpoints of `switchboard dev`. */
export interface SettingsStore {
  setSetting(key: string, value: string): void;
  /** The settings whose keys start with `prefix`, keyed by the rest of the key. */
  settingsWithPrefix(prefix: string): Map<string, string>;
}

/** Everything the local engine needs: the embedded SQLite store implements it. */
export type LocalStore = EventStore & ProjectionStore & AlertLedger & Rebuildable & Transactional & SettingsStore;

/** Alerts already raised, so that an occurrence is published once. */
export interface AlertLedger {
  /** Records the alerts; returns those not seen before. */
  recordAlerts(alerts: readonly Alert[]): Promise<Alert[]>;
  recentAlerts(limit: number): Promise<Alert[]>;
}

export function contactKey(instanceArn: string, contactId: string): string {
  return `${instanceArn}/${contactId}`;
}
