import type Database from 'better-sqlite3';
import type { AgentState, Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection } from '../../projectors/contacts.js';
import {
  contactKey,
  type AgentRecord,
  type AgentSnapshot,
  type ContactQuery,
  type DocumentQuery,
  type IntervalQuery,
  type ProjectionMeta,
  type ProjectionStore,
  type ProjectionVersions,
  type ProjectionWrites,
  type ReportTotalsQuery,
  type StoredDocument,
  type TallyQuery,
} from '../ports.js';
import { contactStreamId } from '../../parse/record.js';
import type { ReportTotals } from '../../projectors/report.js';
import { SqliteDocuments } from './documents.js';
import { SqliteReads } from './reads.js';
import { SqliteReportTotals } from './report-totals.js';
import { readableBothWays } from '../rows.js';
import { generationIndexes, generationSchema } from './schema.js';
import type { StreamNumbers } from './streams.js';

const IN_CHUNK = 500;

type Row = Record<string, unknown>;

/** The projections of one generation in SQLite. */
export class SqliteProjections implements ProjectionStore {
  private readonly p: string;
  private readonly stmts: ReturnType<SqliteProjections['prepare']>;
  private readonly docs: SqliteDocuments;
  private readonly reads: SqliteReads;
  private readonly totals: SqliteReportTotals;
  /**
   * Agent records read or written in the open ingest transaction, written back
   * once before it commits: a transaction of many batches touches the same
   * agents in each, and nobody else writes while it holds the write lock.
   */
  private held: { records: Map<string, AgentRecord>; changed: Set<string> } | null = null;

  /** @param create 'tables' leaves out the secondary indexes (a rebuild adds them when it switches over) */
  constructor(
    private readonly db: Database.Database,
    private readonly streams: StreamNumbers,
    readonly generation: number,
    create: boolean | 'tables' = false,
  ) {
    this.p = `g${generation}_`;
    if (create) db.exec(generationSchema(generation));
    if (create === true) db.exec(generationIndexes(generation));
    this.stmts = this.prepare();
    this.docs = new SqliteDocuments(db, `${this.p}documents`);
    this.reads = new SqliteReads(db, this.p);
    this.totals = new SqliteReportTotals(db, this.p);
  }

  private prepare() {
    const p = this.p;
    const db = this.db;
    return {
      upsertAgent: db.prepare(
        `INSERT INTO ${p}agents (agent_arn, state, last_sort_key, since_snapshot, version) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (agent_arn) DO UPDATE SET state = excluded.state, last_sort_key = excluded.last_sort_key,
           since_snapshot = excluded.since_snapshot, version = excluded.version`,
      ),
      insertInterval: db.prepare(
        `INSERT INTO ${p}intervals (agent, username, dimension, name, status_type, contact_id, start_ms, end_ms, emit_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertTally: db.prepare(`INSERT INTO ${p}tallies (agent, kind, contact_id, at_ms, emit_key) VALUES (?, ?, ?, ?, ?)`),
      upsertSnapshot: db.prepare(`INSERT OR REPLACE INTO ${p}snapshots (agent_arn, sort_key, state) VALUES (?, ?, ?)`),
      rewindIntervals: db.prepare(
        `DELETE FROM ${p}intervals WHERE agent = ? AND emit_key > ? RETURNING username, dimension, name, status_type AS statusType, start_ms AS start, end_ms AS end`,
      ),
      rewindTallies: db.prepare(`DELETE FROM ${p}tallies WHERE agent = ? AND emit_key > ? RETURNING kind, at_ms AS at`),
      rewindSnapshots: db.prepare(`DELETE FROM ${p}snapshots WHERE agent_arn = ? AND sort_key > ?`),
      snapshotBefore: db.prepare(
        `SELECT sort_key, state FROM ${p}snapshots WHERE agent_arn = ? AND sort_key < ? ORDER BY sort_key DESC LIMIT 1`,
      ),
      upsertContact: db.prepare(
        `INSERT INTO ${p}contacts (stream, instance_arn, contact_id, updated_at, started_at, local_date, chain_start, outcome, row)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream) DO UPDATE SET updated_at = excluded.updated_at, started_at = excluded.started_at,
           local_date = excluded.local_date, chain_start = excluded.chain_start, outcome = excluded.outcome, row = excluded.row
         WHERE excluded.updated_at > ${p}contacts.updated_at`,
      ),
      listAgents: db.prepare(`SELECT state FROM ${p}agents ORDER BY agent_arn`),
      meta: db.prepare(`SELECT key, value FROM meta WHERE key IN (?, ?, ?)`),
      setMeta: db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`),
    };
  }

  async meta(): Promise<ProjectionMeta> {
    const g = `gen.${this.generation}.`;
    const rows = this.stmts.meta.all(`${g}rulesHash`, `${g}builtAt`, `${g}versions`) as Row[];
    const get = (k: string) => rows.find((r) => r.key === `${g}${k}`)?.value as string | undefined;
    const builtAt = get('builtAt');
    const versions = get('versions');
    return {
      generation: this.generation,
      rulesHash: get('rulesHash') ?? null,
      builtAt: builtAt ? Number(builtAt) : null,
      versions: versions ? (JSON.parse(versions) as ProjectionVersions) : null,
    };
  }

  async claimRules(rulesHash: string, versions?: ProjectionVersions): Promise<void> {
    this.stmts.setMeta.run(`gen.${this.generation}.rulesHash`, rulesHash);
    if (versions) this.stmts.setMeta.run(`gen.${this.generation}.versions`, JSON.stringify(versions));
  }

  /** Starts holding agent records and documents until `release` (SqliteStore.transaction calls both). */
  hold(): void {
    this.held = { records: new Map(), changed: new Set() };
    this.docs.hold();
  }

  /** Writes the held agent records and documents that changed (when the transaction commits) and stops holding. */
  release(write: boolean): void {
    const held = this.held;
    this.held = null;
    this.docs.release(write);
    if (!write) return this.totals.discard();
    this.totals.flush();
    if (!held) return;
    for (const agentArn of held.changed) this.writeAgent(agentArn, held.records.get(agentArn)!);
  }

  async getAgents(agentArns: readonly string[]): Promise<Map<string, AgentRecord>> {
    const out = new Map<string, AgentRecord>();
    const held = this.held?.records;
    const missing = held ? agentArns.filter((a) => !held.has(a)) : agentArns;
    for (const r of this.selectIn(`SELECT * FROM ${this.p}agents WHERE agent_arn`, missing)) {
      const record: AgentRecord = {
        state: JSON.parse(r.state as string) as AgentState,
        lastSortKey: r.last_sort_key as string,
        sinceSnapshot: r.since_snapshot as number,
        version: r.version as number,
      };
      out.set(r.agent_arn as string, record);
      held?.set(r.agent_arn as string, record);
    }
    if (held) {
      for (const a of agentArns) {
        const record = held.get(a);
        if (record) out.set(a, record);
      }
    }
    return out;
  }

  private writeAgent(agentArn: string, r: AgentRecord): void {
    this.stmts.upsertAgent.run(agentArn, JSON.stringify(r.state), r.lastSortKey, r.sinceSnapshot, r.version);
  }

  async snapshotBefore(agentArn: string, sortKey: string): Promise<AgentSnapshot | null> {
    const r = this.stmts.snapshotBefore.get(agentArn, sortKey) as Row | undefined;
    return r ? { sortKey: r.sort_key as string, state: JSON.parse(r.state as string) as AgentState } : null;
  }

  async getContactVersions(keys: ReadonlyArray<{ instanceArn: string; contactId: string }>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    // by stream number where the ingest transaction knows it already; by name (one query) otherwise, as in a rebuild
    const byNumber = new Map<number, string>();
    const byName = new Map<string, string>();
    for (const k of keys) {
      const streamId = contactStreamId(k.instanceArn, k.contactId);
      const stream = this.streams.known(streamId);
      if (stream === undefined) byName.set(streamId, contactKey(k.instanceArn, k.contactId));
      else byNumber.set(stream, contactKey(k.instanceArn, k.contactId));
    }
    for (const r of this.selectIn(`SELECT stream, updated_at FROM ${this.p}contacts WHERE stream`, [...byNumber.keys()])) {
      out.set(byNumber.get(r.stream as number)!, r.updated_at as number);
    }
    const joined = `SELECT s.stream_id, c.updated_at FROM ${this.p}contacts c JOIN streams s ON s.id = c.stream WHERE s.stream_id`;
    for (const r of this.selectIn(joined, [...byName.keys()])) out.set(byName.get(r.stream_id as string)!, r.updated_at as number);
    return out;
  }

  async listAgents(): Promise<AgentState[]> {
    return (this.stmts.listAgents.all() as Row[]).map((r) => JSON.parse(r.state as string) as AgentState);
  }

  intervals(query: IntervalQuery): AsyncIterable<Interval> {
    return readableBothWays(() => this.reads.intervals(query));
  }

  tallies(query: TallyQuery): AsyncIterable<Tally> {
    return readableBothWays(() => this.reads.tallies(query));
  }

  reportTotals(query: ReportTotalsQuery): AsyncIterable<ReportTotals> {
    return readableBothWays(() => this.totals.read(query, (agent) => this.reads.arn(agent)));
  }

  /** After retention deleted intervals and tallies before `before` (ms): the report totals of the slots up to it again from the rows. */
  retained(before: number): void {
    this.totals.recompute(-Infinity, before);
  }

  /** In order of start time. */
  contacts(query: ContactQuery): AsyncIterable<ContactProjection> {
    return readableBothWays(() => this.reads.contacts(query));
  }

  /** What retention deletes of this generation before `before` (ms): intervals, tallies, contact rows and dated documents. */
  retention(before: number): RetentionTarget[] {
    const p = this.p;
    const documents = this.db.prepare(`SELECT DISTINCT projection FROM ${p}documents WHERE at < ?`).pluck().all(before) as string[];
    return [
      { name: 'intervals', from: `${p}intervals WHERE end_ms < ?`, params: [before] },
      { name: 'tallies', from: `${p}tallies WHERE at_ms < ?`, params: [before] },
      { name: 'contacts', from: `${p}contacts WHERE started_at < ?`, params: [before] },
      ...documents.map((projection) => ({ name: projection, from: `${p}documents WHERE projection = ? AND at < ?`, params: [projection, before] })),
    ];
  }

  async getDocuments(projection: string, keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    return this.docs.get(projection, keys);
  }

  async *documents(projection: string, query?: DocumentQuery): AsyncIterable<StoredDocument> {
    for (const d of this.docs.list(projection, query)) yield d;
  }

  /** `${select} IN (...values)`, in chunks that stay under SQLite's limit on bound parameters. */
  private *selectIn(select: string, values: ReadonlyArray<string | number>): Generator<Row> {
    for (let i = 0; i < values.length; i += IN_CHUNK) {
      const chunk = values.slice(i, i + IN_CHUNK);
      yield* this.db.prepare(`${select} IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as Row[];
    }
  }

  async commit(writes: ProjectionWrites): Promise<void> {
    const s = this.stmts;
    const apply = () => {
      for (const w of writes.agents) {
        if (w.rewindAfter !== null) {
          // an agent without a stream number has no rows to take back (null matches none)
          const stream = this.streams.lookup(w.agentArn) ?? null;
          for (const iv of s.rewindIntervals.all(stream, w.rewindAfter) as Interval[]) this.totals.removeInterval(stream!, iv);
          for (const t of s.rewindTallies.all(stream, w.rewindAfter) as Tally[]) this.totals.addTally(stream!, t.kind, t.at, -1);
          s.rewindSnapshots.run(w.agentArn, w.rewindAfter);
        }
        if (w.intervals.length > 0 || w.tallies.length > 0) {
          // the events interned the stream already (projections written on their own, in tests, intern it here)
          const agent = this.streams.intern(w.agentArn, 'agent', w.record.state.instanceArn);
          for (const iv of w.intervals) {
            const { lastInsertRowid } = s.insertInterval.run(agent, iv.username, iv.dimension, iv.name, iv.statusType, iv.contactId, iv.start, iv.end, iv.emitKey);
            this.totals.addInterval(agent, Number(lastInsertRowid), iv);
          }
          for (const t of w.tallies) {
            s.insertTally.run(agent, t.kind, t.contactId, t.at, t.emitKey);
            this.totals.addTally(agent, t.kind, t.at);
          }
        }
        for (const snap of w.snapshots) s.upsertSnapshot.run(w.agentArn, snap.sortKey, JSON.stringify(snap.state));
        if (this.held) {
          this.held.records.set(w.agentArn, w.record);
          this.held.changed.add(w.agentArn);
        } else {
          this.writeAgent(w.agentArn, w.record);
        }
      }
      for (const c of writes.contacts) {
        s.upsertContact.run(
          this.streams.intern(contactStreamId(c.instanceArn, c.contactId), 'contact', c.instanceArn),
          c.instanceArn,
          c.contactId,
          c.updatedAt,
          c.startedAt,
          c.localDate,
          c.chainStart ? 1 : 0,
          c.row.outcome,
          JSON.stringify(c.row),
        );
      }
      if (writes.documents) this.docs.write(writes.documents);
    };
    // held: the totals are written as the transaction ends (release)
    if (this.held) return apply();
    const applyAndTotal = () => {
      apply();
      this.totals.flush();
    };
    try {
      if (this.db.inTransaction) applyAndTotal();
      else this.db.transaction(applyAndTotal)();
    } catch (err) {
      this.totals.discard();
      throw err;
    }
  }
}

/** Rows that retention deletes: `DELETE FROM ${from}` with `params`. */
export interface RetentionTarget {
  name: string;
  from: string;
  params: unknown[];
}
