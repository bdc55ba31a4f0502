import type Database from 'better-sqlite3';
import type { AppendedEvent, NewEvent, Rejection, SourceRef, StoredEvent } from '../../model.js';
import { FACTS_VERSION } from '../../parse/record.js';
import { StoreError } from '../errors.js';
import { bySortKey, TieOrder, timePrefix } from '../ordering.js';
import { storedPayload } from '../payload-codec.js';
import type { EventStore } from '../ports.js';
import type { PayloadLog } from './payloads.js';
import { pagesOnWorker } from './scan-worker.js';
import type { RetentionTarget } from './projections.js';
import type { StreamNumbers } from './streams.js';

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
/** Where STREAM_ORDER's columns are in a ScanRow: a page continues after its last row's. */
const SCAN_KEY = [0, 2, 1] as const;
const firstPage = (select: string) => `${select} ORDER BY ${STREAM_ORDER} LIMIT ${SCAN_PAGE}`;
const nextPage = (select: string) => `${select} WHERE (${STREAM_ORDER}) > (?, ?, ?) ORDER BY ${STREAM_ORDER} LIMIT ${SCAN_PAGE}`;

export interface ScanOptions {
  /** scans of a table of at least this many events read it on a thread of their own (pagesOnWorker) */
  scanWorkerFrom: number;
  /** that thread's page cache */
  scanCacheMb: number;
}

/** The source of an event replayed from its facts: not read. */
const NOT_READ: SourceRef = Object.freeze({ origin: '' });

/**
 * The event table and the quarantine: event rows in SQLite, their raw
 * payloads in the payload log beside the database. Appends happen inside the
 * store's transaction, which awaits the payload writes before it commits.
 */
export class SqliteEvents implements EventStore {
  private readonly stmts;
  /** set while a transaction is open: payloads being written while the rows are prepared; awaited before COMMIT */
  private payloadWrites: Promise<void>[] | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly streams: StreamNumbers,
    private readonly payloads: PayloadLog,
    /** the store's transaction, for an append made outside one */
    private readonly transaction: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly options: ScanOptions,
  ) {
    this.stmts = {
      append: db.prepare(
        `INSERT INTO events (stream, dedupe_key, occurred_at, sort_key, received_at, source, payload_at, payload_len, facts, facts_v)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (stream, occurred_at, dedupe_key) DO NOTHING`,
      ),
      quarantine: db.prepare(`INSERT INTO quarantine (received_at, source, reason, raw) VALUES (?, ?, ?, ?)`),
      readStream: db.prepare(`${SELECT_EVENTS} WHERE e.stream = ? AND e.occurred_at >= ? ORDER BY e.occurred_at, e.dedupe_key`),
      scanFirst: db.prepare(firstPage(SCAN_EVENTS)).raw(true),
      scanNext: db.prepare(nextPage(SCAN_EVENTS)).raw(true),
      factsFirst: db.prepare(firstPage(SCAN_FACTS)).raw(true),
      factsNext: db.prepare(nextPage(SCAN_FACTS)).raw(true),
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
  }

  /** The store's transaction opened: appends from now on write their payloads into `writes`. */
  beginTransaction(writes: Promise<void>[]): void {
    this.payloadWrites = writes;
  }

  endTransaction(): void {
    this.payloadWrites = null;
  }

  async append(events: readonly NewEvent[], receivedAt: number): Promise<{ appended: AppendedEvent[]; duplicates: number }> {
    // the payloads are written while the rows are prepared and are on disk before
    // those rows commit, which only the store's transaction arranges: an append
    // outside one runs in its own (BEGIN IMMEDIATE: the write lock is held before
    // the log's end is read)
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
        // a literal rather than a spread copy: one per event of every ingest
        if (info.changes === 1) appended.push({ kind: e.kind, streamId: e.streamId, dedupeKey: e.dedupeKey, instanceArn: e.instanceArn, occurredAt: e.occurredAt, sortKey: e.sortKey, source: e.source, raw: e.raw, facts: e.facts, receivedAt });
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
    let stream: { id: number | null; streamId: string; kind: StoredEvent['kind']; instanceArn: string } = { id: null, streamId: '', kind: 'agent', instanceArn: '' };
    const ties = new TieOrder<StoredEvent>();
    for await (const rows of this.scanPages(options.preferFacts ?? false)) {
      for (const [id, dedupeKey, occurredAt, sortKey, receivedAt, facts, source, payloadAt, payloadLen] of rows) {
        if (id !== stream.id) {
          const s = this.stmts.streamById.get(id) as Row;
          stream = { id, streamId: s.stream_id as string, kind: s.kind as StoredEvent['kind'], instanceArn: s.instance_arn as string };
          this.streams.remember(stream.streamId, id);
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
    }
    for (const done of ties.end()) yield done;
  }

  /**
   * The event table in scan order, a page at a time: read on a thread of its
   * own when the table is large enough to repay starting one (and is in a
   * file another connection can open).
   */
  private scanPages(preferFacts: boolean): AsyncIterable<ScanRow[]> | Iterable<ScanRow[]> {
    if (!this.db.memory && this.lastSeq() >= this.options.scanWorkerFrom) {
      return pagesOnWorker({
        path: this.db.name,
        first: firstPage(preferFacts ? SCAN_FACTS : SCAN_EVENTS),
        next: nextPage(preferFacts ? SCAN_FACTS : SCAN_EVENTS),
        keyColumns: SCAN_KEY,
        pageSize: SCAN_PAGE,
        cacheMb: this.options.scanCacheMb,
      }) as AsyncIterable<ScanRow[]>;
    }
    return this.pagesInThread(preferFacts);
  }

  private *pagesInThread(preferFacts: boolean): Iterable<ScanRow[]> {
    const [first, next] = preferFacts ? [this.stmts.factsFirst, this.stmts.factsNext] : [this.stmts.scanFirst, this.stmts.scanNext];
    let rows = first.all() as ScanRow[];
    while (rows.length > 0) {
      yield rows;
      if (rows.length < SCAN_PAGE) return;
      const end = rows[rows.length - 1]!;
      rows = next.all(...SCAN_KEY.map((i) => end[i])) as ScanRow[];
    }
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

  /** The sequence number of the last event appended (0: none): a rebuild's scan covers the events up to it. */
  lastSeq(): number {
    return (this.stmts.maxSeq.get() as Row).seq as number;
  }

  /** The events appended after sequence number `seq`, in the order they were appended. */
  appendedAfter(seq: number): StoredEvent[] {
    return (this.stmts.afterSeq.all(seq) as Row[]).map((r) => this.toStored(r));
  }

  /** What retention deletes of the event table: events and quarantined inputs before the cutoff. */
  retention(before: number): RetentionTarget[] {
    return [
      { name: 'events', from: 'events WHERE occurred_at < ?', params: [before] },
      { name: 'quarantined', from: 'quarantine WHERE received_at < ?', params: [before] },
    ];
  }

  /** Deletes the payload segments older than the oldest event left: they hold no live payload. */
  dropUnreferencedPayloads(): void {
    const first = this.stmts.firstPayload.get() as Row | undefined;
    this.payloads.dropBefore(first ? (first.payload_at as number) : null);
  }

  private toStored(r: Row): StoredEvent {
    return storedEvent(r, r.payload_len === null ? '' : this.payloads.read(r.payload_at as number, r.payload_len as number));
  }
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
