import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert } from '../../alert.js';
import type { AppendedEvent, NewEvent, Rejection, SourceRef, StoredEvent } from '../../model.js';
import { FACTS_VERSION } from '../../parse/record.js';
import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection } from '../../projectors/contacts.js';
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
  StoredDocument,
  TallyQuery,
} from '../ports.js';
import { bySortKey, TieOrder, timePrefix } from '../ordering.js';
import { storedPayload } from '../payload-codec.js';
import { SqliteAlertLedger } from './alerts.js';
import { SqliteGenerations } from './generations.js';
import { MetaTable } from './meta.js';
import { openPayloadLog, type PayloadLog } from './payloads.js';
import type { RetentionTarget } from './projections.js';
import { SqliteSettings } from './settings.js';
import { StreamNumbers } from './streams.js';
import { BASE_SCHEMA, SCHEMA_VERSION } from './schema.js';

type Row = Record<string, unknown>;
const SCAN_PAGE = 5_000;
const COLUMNS = 'e.seq, e.stream, s.stream_id, s.kind, s.instance_arn, e.dedupe_key, e.occurred_at, e.sort_key, e.received_at, e.source, e.facts';
const SELECT_EVENTS = `SELECT ${COLUMNS}, e.payload_at, e.payload_len FROM events e JOIN streams s ON s.id = e.stream`;
/**
 * For scans grouped by stream, as arrays (see scanAll): the stream's names are
 * looked up once per stream rather than joined (and made into strings) on
 * every row. With facts preferred, the payload and the source only where the
 * stored facts cannot stand in for them.
 */
const SCAN_COLUMNS = 'e.stream, e.dedupe_key, e.occurred_at, e.sort_key, e.received_at, e.facts';
const SCAN_EVENTS = `SELECT ${SCAN_COLUMNS}, e.source, e.payload_at, e.payload_len FROM events e`;
const CURRENT_FACTS = `e.facts_v = ${FACTS_VERSION}`;
const SCAN_FACTS = `SELECT ${SCAN_COLUMNS}, CASE WHEN ${CURRENT_FACTS} THEN NULL ELSE e.source END,
  e.payload_at, CASE WHEN ${CURRENT_FACTS} THEN NULL ELSE e.payload_len END FROM events e`;
type ScanRow = [stream: number, dedupeKey: string, occurredAt: number, sortKey: string, receivedAt: number, facts: string | null, source: string | null, payloadAt: number, payloadLen: number | null];
/** The order of the dedupe index: streams whole, each by time (ties are put in sort-key order as they are read). */
const STREAM_ORDER = 'e.stream, e.occurred_at, e.dedupe_key';
/** The source of an event replayed from its facts: not read. */
const NOT_READ: SourceRef = Object.freeze({ origin: '' });

/** What a store at PATH is on disk: PATH plus these suffixes (the WAL, its index and the payload log). */
export const STORE_SUFFIXES = ['', '-wal', '-shm', '-payloads'] as const;

export class StoreError extends Error {
  override name = 'StoreError';
}

/**
 * The embedded store: event table, quarantine, alert ledger and generations of
 * projections in one SQLite file (WAL, so the dashboard reads while ingesting),
 * and the events' raw payloads in an append-only log beside it. The event
 * table is here; the other concerns are modules of their own (generations.ts
 * with projections.ts and documents.ts, alerts.ts, settings.ts) that this
 * class composes into one LocalStore, under one transaction.
 */
export class SqliteStore implements LocalStore {
  private readonly stmts;
  private readonly streams: StreamNumbers;
  private readonly metaTable: MetaTable;
  private readonly generations: SqliteGenerations;
  private readonly ledger: SqliteAlertLedger;
  private readonly settings: SqliteSettings;
  /** set inside transaction(): payloads being written while the rows are prepared; awaited before COMMIT */
  private payloadWrites: Promise<void>[] | null = null;

  private constructor(
    readonly db: Database.Database,
    private readonly payloads: PayloadLog,
  ) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.pragma('cache_size = -65536');
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
    this.stmts = {
      append: db.prepare(
        `INSERT INTO events (stream, dedupe_key, occurred_at, sort_key, received_at, source, payload_at, payload_len, facts, facts_v)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (stream, occurred_at, dedupe_key) DO NOTHING`,
      ),
      quarantine: db.prepare(`INSERT INTO quarantine (received_at, source, reason, raw) VALUES (?, ?, ?, ?)`),
      readStream: db.prepare(`${SELECT_EVENTS} WHERE e.stream = ? AND e.occurred_at >= ? ORDER BY e.occurred_at, e.dedupe_key`),
      scanFirst: db.prepare(`${SCAN_EVENTS} ORDER BY ${STREAM_ORDER} LIMIT ${SCAN_PAGE}`).raw(true),
      scanNext: db.prepare(`${SCAN_EVENTS} WHERE (${STREAM_ORDER}) > (?, ?, ?) ORDER BY ${STREAM_ORDER} LIMIT ${SCAN_PAGE}`).raw(true),
      factsFirst: db.prepare(`${SCAN_FACTS} ORDER BY ${STREAM_ORDER} LIMIT ${SCAN_PAGE}`).raw(true),
      factsNext: db.prepare(`${SCAN_FACTS} WHERE (${STREAM_ORDER}) > (?, ?, ?) ORDER BY ${STREAM_ORDER} LIMIT ${SCAN_PAGE}`).raw(true),
      streamById: db.prepare(`SELECT stream_id, kind, instance_arn FROM streams WHERE id = ?`),
      afterSeq: db.prepare(`${SELECT_EVENTS} WHERE e.seq > ? ORDER BY e.seq`),
      maxSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS seq FROM events`),
      firstPayload: db.prepare(`SELECT payload_at FROM events ORDER BY seq LIMIT 1`),
      counts: db.prepare(
        `SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM quarantine) AS quarantined,
                (SELECT MAX(occurred_at) FROM events) AS last`,
      ),
      listQuarantine: db.prepare(`SELECT * FROM quarantine ORDER BY id DESC LIMIT ?`),
    };
    this.streams = new StreamNumbers(db);
    this.metaTable = new MetaTable(db);
    this.generations = new SqliteGenerations(db, this.streams, this.metaTable);
    this.ledger = new SqliteAlertLedger(db);
    this.settings = new SqliteSettings(this.metaTable);
  }

  /** Opens (creating if needed) the store at `path`; ':memory:' for tests. */
  static open(path: string, options: { payloadSegmentBytes?: number } = {}): SqliteStore {
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
      return new SqliteStore(db, payloads);
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
    this.payloadWrites = payloadWrites;
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
      this.payloadWrites = null;
    }
  }

  // ---- event table ----

  async append(events: readonly NewEvent[], receivedAt: number): Promise<{ appended: AppendedEvent[]; duplicates: number }> {
    // the payloads are written while the rows are prepared and are on disk before
    // those rows commit, which only transaction() arranges: an append outside one
    // runs in its own (BEGIN IMMEDIATE: the write lock is held before the log's end is read)
    if (!this.payloadWrites) {
      if (this.db.inTransaction) throw new StoreError('append needs a transaction opened by SqliteStore.transaction');
      return this.transaction(() => this.append(events, receivedAt));
    }
    const appended: AppendedEvent[] = [];
    let duplicates = 0;
    try {
      this.payloads.claim();
      for (const e of events) {
        const bytes = storedPayload(e.raw);
        const position = this.payloads.stage(bytes);
        const info = this.stmts.append.run(
          this.streams.intern(e.streamId, e.kind, e.instanceArn),
          e.dedupeKey,
          e.occurredAt,
          e.sortKey,
          receivedAt,
          JSON.stringify(e.source),
          position,
          bytes.length,
          e.facts ?? null,
          e.facts ? FACTS_VERSION : null,
        );
        if (info.changes === 1) appended.push({ ...e, receivedAt });
        else {
          this.payloads.unstageLast();
          duplicates++;
        }
      }
    } catch (err) {
      this.payloads.discard();
      throw err;
    }
    this.payloadWrites.push(this.payloads.write());
    return { appended, duplicates };
  }

  async quarantine(rejections: readonly Rejection[], receivedAt: number): Promise<void> {
    const run = () => {
      for (const r of rejections) this.stmts.quarantine.run(receivedAt, JSON.stringify(r.source), r.reason, r.raw);
    };
    if (this.db.inTransaction) run();
    else this.db.transaction(run)();
  }

  async *readStream(streamId: string, afterSortKey = ''): AsyncIterable<StoredEvent> {
    const id = this.streams.lookup(streamId);
    if (id === undefined) return;
    const rows = this.stmts.readStream.all(id, Number(timePrefix(afterSortKey) ?? 0)) as Row[];
    // in time order already: the sort only orders the ties within a millisecond
    for (const e of bySortKey(rows.map((r) => this.toStored(r)))) if (e.sortKey > afterSortKey) yield e;
  }

  async *scanAll(options: { preferFacts?: boolean } = {}): AsyncIterable<StoredEvent> {
    const [first, next] = options.preferFacts ? [this.stmts.factsFirst, this.stmts.factsNext] : [this.stmts.scanFirst, this.stmts.scanNext];
    let rows = first.all() as ScanRow[];
    let stream: { id: number | null; streamId: string; kind: StoredEvent['kind']; instanceArn: string } = { id: null, streamId: '', kind: 'agent', instanceArn: '' };
    const ties = new TieOrder<StoredEvent>();
    while (rows.length > 0) {
      for (const [id, dedupeKey, occurredAt, sortKey, receivedAt, facts, source, payloadAt, payloadLen] of rows) {
        if (id !== stream.id) {
          const s = this.stmts.streamById.get(id) as Row;
          stream = { id, streamId: s.stream_id as string, kind: s.kind as StoredEvent['kind'], instanceArn: s.instance_arn as string };
        }
        const event: StoredEvent = {
          kind: stream.kind,
          streamId: stream.streamId,
          dedupeKey,
          instanceArn: stream.instanceArn,
          occurredAt,
          sortKey,
          receivedAt,
          source: source === null ? NOT_READ : (JSON.parse(source) as SourceRef),
          raw: payloadLen === null ? '' : this.payloads.read(payloadAt, payloadLen),
        };
        if (facts) event.facts = facts;
        // plain yields: yield* of an array in an async generator costs a promise per element
        for (const done of ties.push(event)) yield done;
      }
      if (rows.length < SCAN_PAGE) break;
      const [lastStream, lastKey, lastTime] = rows[rows.length - 1]!;
      rows = next.all(lastStream, lastTime, lastKey) as ScanRow[];
    }
    for (const done of ties.end()) yield done;
  }

  async counts(): Promise<{ events: number; quarantined: number; lastEventAt: number | null }> {
    const r = this.stmts.counts.get() as Row;
    return { events: r.events as number, quarantined: r.quarantined as number, lastEventAt: (r.last as number | null) ?? null };
  }

  async listQuarantine(limit: number): Promise<Array<Rejection & { receivedAt: number }>> {
    return (this.stmts.listQuarantine.all(limit) as Row[]).map((r) => ({
      receivedAt: r.received_at as number,
      source: JSON.parse(r.source as string) as SourceRef,
      reason: r.reason as string,
      raw: r.raw as string,
    }));
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
      ...(eventsBefore === undefined
        ? []
        : [
            { name: 'events', from: 'events WHERE occurred_at < ?', params: [eventsBefore] },
            { name: 'quarantined', from: 'quarantine WHERE received_at < ?', params: [eventsBefore] },
          ]),
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
    })();
    if (!dryRun && eventsBefore !== undefined) {
      // payload segments older than the oldest event left hold no live payload
      const first = this.stmts.firstPayload.get() as Row | undefined;
      this.payloads.dropBefore(first ? (first.payload_at as number) : null);
    }
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
    return this.generations.begin(rulesHash, versions, (this.stmts.maxSeq.get() as Row).seq as number);
  }

  async switchTo(generation: number, rulesHash: string, catchUp: (events: StoredEvent[]) => Promise<void>): Promise<void> {
    this.generations.index(generation);
    await this.transaction(async () => {
      const late = (this.stmts.afterSeq.all(this.generations.highWaterMark(generation)) as Row[]).map((r) => this.toStored(r));
      await catchUp(late);
      this.generations.makeCurrent(generation, rulesHash);
    });
  }

  async dropGeneration(generation: number): Promise<void> {
    this.generations.drop(generation);
  }

  private toStored(r: Row): StoredEvent {
    return storedEvent(r, r.payload_len === null ? '' : this.payloads.read(r.payload_at as number, r.payload_len as number));
  }
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

function storedEvent(r: Row, raw: string): StoredEvent {
  return {
    kind: r.kind as StoredEvent['kind'],
    streamId: r.stream_id as string,
    dedupeKey: r.dedupe_key as string,
    instanceArn: r.instance_arn as string,
    occurredAt: r.occurred_at as number,
    sortKey: r.sort_key as string,
    receivedAt: r.received_at as number,
    source: JSON.parse(r.source as string) as SourceRef,
    raw,
    ...(r.facts ? { facts: r.facts as string } : {}),
  };
}
