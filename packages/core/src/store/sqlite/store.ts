import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert } from '../../alert.js';
import type { StoredEvent } from '../../model.js';
import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection } from '../../projectors/contacts.js';
import type { ReportTotals } from '../../projectors/report.js';
import type {
  AgentRecord,
  AgentSnapshot,
  ContactQuery,
  DocumentQuery,
  IntervalQuery,
  LocalStore,
  ProjectionMeta,
  ProjectionStore,
  ProjectionVersions,
  ProjectionWrites,
  RebuildFlush,
  StoredDocument,
  TallyQuery,
  ReportTotalsQuery,
} from '../ports.js';
import { StoreError } from '../errors.js';
import { EventStoreDelegate } from '../event-delegate.js';
import { SqliteAlertLedger } from './alerts.js';
import { SqliteEvents } from './events.js';
import { SqliteGenerations } from './generations.js';
import { SqliteLeases } from './leases.js';
import { MetaTable } from './meta.js';
import { openPayloadLog, type PayloadLog } from './payloads.js';
import type { RetentionTarget } from './projections.js';
import { SqliteSettings } from './settings.js';
import { StreamNumbers } from './streams.js';
import { BASE_SCHEMA, SCHEMA_VERSION } from './schema.js';

type Row = Record<string, unknown>;

/** What a store at PATH is on disk: PATH plus these suffixes (the WAL, its index and the payload log). */
export const STORE_SUFFIXES = ['', '-wal', '-shm', '-payloads'] as const;

export { StoreError };

/**
 * SQLite's page cache for a command's store. An ingest appends in arrival
 * order and runs as fast with 32 MB as with 64 (1M events, alternated twice:
 * 72.6 vs 72.1 s) at 40 MB less peak RSS (376 vs 415 MB). A rebuild of a
 * large table reads it on a thread of its own (SCAN_WORKER_FROM), with a
 * connection and a cache of its own; its writes need little: 1M events,
 * 16 MB for each 25-29 s at 369-380 MB peak RSS, 32 MB for each 31-32 s at
 * 403-432 MB.
 */
const DEFAULT_CACHE_MB = 32;
export const REBUILD_CACHE_MB = 16;
const SCAN_CACHE_MB = 16;

/**
 * A scan of at least this many events (a rebuild's) reads the table on a
 * thread of its own, so that stepping through its pages (about 8 s of 1M
 * events) runs beside the projecting and writing rather than before them;
 * below it, starting the thread costs more than it saves.
 */
const SCAN_WORKER_FROM = 100_000;

/**
 * The embedded store: event table, quarantine, alert ledger and generations of
 * projections in one SQLite file (WAL, so the dashboard reads while ingesting),
 * and the events' raw payloads in an append-only log beside it. Each concern
 * is a module of its own (events.ts with payloads.ts, generations.ts with
 * projections.ts and documents.ts, alerts.ts, settings.ts); this class opens
 * the file and composes them into one LocalStore, under one transaction.
 */
export class SqliteStore extends EventStoreDelegate implements LocalStore {
  private readonly streams: StreamNumbers;
  protected readonly events: SqliteEvents;
  private readonly metaTable: MetaTable;
  private readonly generations: SqliteGenerations;
  private readonly ledger: SqliteAlertLedger;
  private readonly settings: SqliteSettings;
  /**
   * A rebuild here writes after 20,000 outputs or 2,000 units rather than the
   * default 50,000 and 5,000: what it holds is promoted and left for the old
   * generation's collector, and a commit costs the embedded store little
   * (1M events, alternated: 26.5-31.4 s and peak RSS 303-313 MB against
   * 26.1-28.1 s and 376-407 MB).
   */
  readonly rebuildFlush: RebuildFlush = { outputs: 20_000, units: 2_000 };

  private constructor(
    readonly db: Database.Database,
    private readonly payloads: PayloadLog,
    cacheMb: number,
    scanWorkerFrom: number,
  ) {
    super();
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.pragma(`cache_size = -${cacheMb * 1024}`);
    db.pragma('temp_store = MEMORY');
    // A WAL of up to 64 MB between checkpoints: index pages that every batch
    // touches are copied into the database once per checkpoint, not per batch.
    db.pragma('wal_autocheckpoint = 16384');
    const version = tableExists(db, 'meta') ? (db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as Row | undefined)?.value : SCHEMA_VERSION;
    if (version !== SCHEMA_VERSION) {
      throw new Error(`it was created by another version of Switchboard (layout ${version ?? 1}, this one reads ${SCHEMA_VERSION}); ingest the inputs into a new store`);
    }
    db.exec(BASE_SCHEMA);
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
    this.streams = new StreamNumbers(db);
    this.events = new SqliteEvents(db, this.streams, payloads, (fn) => this.transaction(fn), { scanWorkerFrom, scanCacheMb: SCAN_CACHE_MB });
    this.metaTable = new MetaTable(db);
    this.generations = new SqliteGenerations(db, this.streams, this.metaTable);
    this.ledger = new SqliteAlertLedger(db);
    this.settings = new SqliteSettings(this.metaTable);
  }

  /**
   * Opens (creating if needed) the store at `path`; ':memory:' for tests.
   * `cacheMb`: SQLite's page cache (default 32 MB, for bulk ingests; a
   * rebuild wants REBUILD_CACHE_MB); a long-running process that writes
   * small batches needs less. `scanWorkerFrom`: the number of events from
   * which a scan of the event table reads it on a thread of its own.
   */
  static open(path: string, options: { payloadSegmentBytes?: number; cacheMb?: number; scanWorkerFrom?: number } = {}): SqliteStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    let payloads: PayloadLog;
    try {
      db = new Database(path);
    } catch (err) {
      throw new StoreError(`cannot open the store at ${path}: ${(err as Error).message}`);
    }
    try {
      payloads = openPayloadLog(path, options.payloadSegmentBytes);
    } catch (err) {
      db.close();
      throw new StoreError(`cannot open the payload log of ${path}: ${(err as Error).message}`);
    }
    try {
      return new SqliteStore(db, payloads, options.cacheMb ?? DEFAULT_CACHE_MB, options.scanWorkerFrom ?? SCAN_WORKER_FROM);
    } catch (err) {
      db.close();
      payloads.close();
      throw new StoreError(`${path} is not a Switchboard store: ${(err as Error).message}`);
    }
  }

  close(): void {
    this.db.close();
    this.payloads.close();
  }

  /** Deletes the (closed) store at `path` with everything beside it. */
  static remove(path: string): void {
    for (const suffix of STORE_SUFFIXES) rmSync(path + suffix, { force: true, recursive: true });
  }

  /** Changes whenever another connection (e.g. another process) commits to the store. */
  foreignChanges(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Named leases in the store (one rebuild at a time, across processes); `now` and `gone` for tests. */
  leases(options: { now?: () => number; gone?: (holder: string) => boolean } = {}): SqliteLeases {
    return new SqliteLeases(this.db, this.metaTable, options.now, options.gone);
  }

  // ---- settings ----

  /** The settings whose keys start with `prefix`, keyed by the rest of the key. */
  settingsWithPrefix(prefix: string): Map<string, string> {
    return this.settings.settingsWithPrefix(prefix);
  }

  /** A small persistent setting, e.g. a Kinesis checkpoint. */
  setSetting(key: string, value: string): void {
    this.settings.setSetting(key, value);
  }

  /** The current generation's projections. */
  private projections() {
    return this.generations.current();
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    this.streams.begin();
    const payloadWrites: Promise<void>[] = [];
    this.events.beginTransaction(payloadWrites);
    const projections = this.projections();
    projections.hold();
    try {
      const result = await fn();
      projections.release(true);
      await Promise.all(payloadWrites);
      this.db.exec('COMMIT');
      this.streams.end(true);
      return result;
    } catch (err) {
      projections.release(false);
      await Promise.allSettled(payloadWrites);
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.streams.end(false);
      throw err;
    } finally {
      this.events.endTransaction();
    }
  }

  // ---- retention ----

  /**
   * Deletes what is older than the cutoffs (ms since the epoch): events and
   * quarantined inputs before `eventsBefore`; intervals, tallies, contact rows,
   * dated documents and alerts of the current projections before
   * `projectionsBefore`; then the payload segments that no remaining event
   * points into. Agent states and snapshots stay (they are the present). With
   * `dryRun`, counts only. A later rebuild replays only the events that remain.
   */
  prune(cutoffs: { eventsBefore?: number; projectionsBefore?: number }, dryRun = false): Record<string, number> {
    const { eventsBefore, projectionsBefore } = cutoffs;
    const targets: RetentionTarget[] = [
      ...(eventsBefore === undefined ? [] : this.events.retention(eventsBefore)),
      ...(projectionsBefore === undefined
        ? []
        : [...this.projections().retention(projectionsBefore), { name: 'alerts', from: 'alerts WHERE raised_at < ?', params: [projectionsBefore] }]),
    ];
    const counts: Record<string, number> = {};
    this.db.transaction(() => {
      for (const { name, from, params } of targets) {
        counts[name] = dryRun
          ? (this.db.prepare(`SELECT COUNT(*) FROM ${from}`).pluck().get(...params) as number)
          : this.db.prepare(`DELETE FROM ${from}`).run(...params).changes;
      }
      if (!dryRun && projectionsBefore !== undefined) this.projections().retained(projectionsBefore);
    })();
    if (!dryRun && eventsBefore !== undefined) this.events.dropUnreferencedPayloads();
    return counts;
  }

  // ---- alert ledger ----

  recordAlerts(alerts: readonly Alert[]): Promise<Alert[]> {
    return this.ledger.recordAlerts(alerts);
  }

  recentAlerts(limit: number): Promise<Alert[]> {
    return this.ledger.recentAlerts(limit);
  }

  // ---- projections (current generation) ----

  meta(): Promise<ProjectionMeta> {
    return this.projections().meta();
  }
  claimRules(rulesHash: string, versions?: ProjectionVersions): Promise<void> {
    return this.projections().claimRules(rulesHash, versions);
  }
  getAgents(agentArns: readonly string[]): Promise<Map<string, AgentRecord>> {
    return this.projections().getAgents(agentArns);
  }
  snapshotBefore(agentArn: string, sortKey: string): Promise<AgentSnapshot | null> {
    return this.projections().snapshotBefore(agentArn, sortKey);
  }
  getContactVersions(keys: ReadonlyArray<{ instanceArn: string; contactId: string }>): Promise<Map<string, number>> {
    return this.projections().getContactVersions(keys);
  }
  listAgents(): Promise<AgentState[]> {
    return this.projections().listAgents();
  }
  intervals(query: IntervalQuery): AsyncIterable<Interval> {
    return this.projections().intervals(query);
  }
  tallies(query: TallyQuery): AsyncIterable<Tally> {
    return this.projections().tallies(query);
  }
  reportTotals(query: ReportTotalsQuery): AsyncIterable<ReportTotals> {
    return this.projections().reportTotals(query);
  }
  contacts(query: ContactQuery): AsyncIterable<ContactProjection> {
    return this.projections().contacts(query);
  }
  getDocuments(projection: string, keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    return this.projections().getDocuments(projection, keys);
  }
  documents(projection: string, query?: DocumentQuery): AsyncIterable<StoredDocument> {
    return this.projections().documents(projection, query);
  }
  commit(writes: ProjectionWrites): Promise<void> {
    return this.projections().commit(writes);
  }

  // ---- rebuild ----

  async beginGeneration(rulesHash: string, versions?: ProjectionVersions): Promise<ProjectionStore & { generation: number }> {
    return this.generations.begin(rulesHash, versions, this.events.lastSeq());
  }

  async switchTo(generation: number, rulesHash: string, catchUp: (events: StoredEvent[]) => Promise<void>): Promise<void> {
    this.generations.index(generation);
    await this.transaction(async () => {
      const late = this.events.appendedAfter(this.generations.highWaterMark(generation));
      await catchUp(late);
      this.generations.makeCurrent(generation, rulesHash);
    });
  }

  async dropGeneration(generation: number): Promise<void> {
    this.generations.drop(generation);
  }
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}
