import type Database from 'better-sqlite3';
import type { Interval, Tally } from '../../projectors/agent.js';
import { REPORT_SLOT_MS } from '../../projectors/buckets.js';
import type { IntervalKind, ReportKind, ReportTotals } from '../../projectors/report.js';
import type { ReportTotalsQuery } from '../ports.js';
import { keysetPages, PAGE } from './reads.js';

/**
 * The kinds of interval and of tally, interned: a row of totals names them by
 * number. Shared by every generation (a kind keeps its number), never pruned:
 * there are a few dozen.
 */
const KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS report_keys (
  id  INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);
`;

/**
 * Per agent and UTC 15-minute slot (REPORT_SLOT_MS: every report bucket, in
 * any zone and of any size, is a whole number of them), the time of the
 * generation's intervals in the slot by kind of interval and its tallies by
 * kind: `totals` is a JSON array of [key, amount, key, amount, ...] (key: a
 * report_keys id; amount: ms or a count; none is zero). `username` is that of
 * the interval stored last (highest id, `username_id`) among those with time
 * in the slot that name one, as the report takes the last username its
 * intervals give. The sums equal what the interval and tally rows give at
 * every commit: they change in the transaction that writes or takes back rows.
 */
function totalsSchema(p: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${p}report_totals (
  slot_ms     INTEGER NOT NULL,
  agent       INTEGER NOT NULL,
  totals      TEXT    NOT NULL,
  username    TEXT,
  username_id INTEGER,
  PRIMARY KEY (slot_ms, agent)
) WITHOUT ROWID;
`;
}

/** What the transaction changes in one agent's slot, applied to its row when the transaction ends. */
interface SlotChange {
  /** amount by key (its text in report_keys); may be negative (rows taken back) */
  deltas: Map<string, number>;
  username: string | null;
  usernameId: number;
  /** rows that named a username were taken back: the slot's username is looked up again */
  recheck: boolean;
}

type IntervalRow = Pick<Interval, 'dimension' | 'name' | 'statusType' | 'username' | 'start' | 'end'>;

/**
 * The report totals of one generation, kept beside its interval and tally
 * rows (SqliteProjections calls add/remove as it writes them and flush before
 * its transaction commits), and read by the report in place of the rows.
 */
export class SqliteReportTotals {
  private readonly table: string;
  /** by slot start, then agent stream number */
  private pending = new Map<number, Map<number, SlotChange>>();
  /** the texts of the kinds of interval by dimension, status type and name: no text is built per interval */
  private readonly texts = new Map<string, Map<string | null, Map<string, string>>>();
  /**
   * Key numbers as looked up or interned, forgotten at the start of each
   * flush and read: a number interned by a transaction that rolled back may
   * be given again to another key.
   */
  private readonly idByKey = new Map<string, number>();
  private readonly keyById = new Map<number, string>();
  private stmts!: ReturnType<SqliteReportTotals['prepare']>;

  constructor(
    private readonly db: Database.Database,
    /** the generation's table prefix, e.g. "g1_" */
    private readonly p: string,
  ) {
    this.table = `${p}report_totals`;
    const exists = () => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(this.table) !== undefined;
    if (!exists()) {
      // a generation from before the totals existed: worked out once from its rows, in the transaction that creates them
      db.transaction(() => {
        if (exists()) return;
        db.exec(KEYS_SCHEMA + totalsSchema(p));
        this.stmts = this.prepare();
        this.recompute(-Infinity, Infinity);
      }).immediate();
    }
    this.stmts ??= this.prepare();
  }

  private prepare() {
    const t = this.table;
    const db = this.db;
    return {
      get: db.prepare(`SELECT totals, username, username_id FROM ${t} WHERE slot_ms = ? AND agent = ?`).raw(true),
      put: db.prepare(`INSERT OR REPLACE INTO ${t} (slot_ms, agent, totals, username, username_id) VALUES (?, ?, ?, ?, ?)`),
      delete: db.prepare(`DELETE FROM ${t} WHERE slot_ms = ? AND agent = ?`),
      keyId: db.prepare(`SELECT id FROM report_keys WHERE key = ?`).pluck(),
      addKey: db.prepare(`INSERT INTO report_keys (key) VALUES (?) RETURNING id`).pluck(),
      keyOf: db.prepare(`SELECT key FROM report_keys WHERE id = ?`).pluck(),
      slotIntervals: db
        .prepare(`SELECT id, username, dimension, name, status_type, start_ms, end_ms FROM ${this.p}intervals WHERE agent = ? AND start_ms < ? AND end_ms > ?`)
        .raw(true),
      slotTallies: db.prepare(`SELECT kind FROM ${this.p}tallies WHERE agent = ? AND at_ms >= ? AND at_ms < ?`).pluck(),
      lastUsername: db
        .prepare(
          `SELECT username, id FROM ${this.p}intervals WHERE agent = ? AND start_ms < ? AND end_ms > ? AND username IS NOT NULL AND username <> ''
           ORDER BY id DESC LIMIT 1`,
        )
        .raw(true),
    };
  }

  /** A stored interval (`id`: its row id) adds its time to the slots it spans. */
  addInterval(agent: number, id: number, iv: IntervalRow): void {
    this.spread(agent, iv, 1, (change) => {
      if (iv.username && id > change.usernameId) {
        change.username = iv.username;
        change.usernameId = id;
      }
    });
  }

  /** An interval row taken back (a rewind, retention) takes its time back. */
  removeInterval(agent: number, iv: IntervalRow): void {
    this.spread(agent, iv, -1, (change) => {
      if (iv.username) change.recheck = true;
    });
  }

  /** Adds (sign 1) or takes back (-1) the interval's time in each slot it spans, then lets `touch` see the slot's change. */
  private spread(agent: number, iv: IntervalRow, sign: 1 | -1, touch: (change: SlotChange) => void): void {
    const key = this.intervalKey(iv);
    for (let slot = slotOf(iv.start); slot < iv.end; slot += REPORT_SLOT_MS) {
      const change = this.change(slot, agent);
      add(change.deltas, key, sign * (Math.min(iv.end, slot + REPORT_SLOT_MS) - Math.max(iv.start, slot)));
      touch(change);
    }
  }

  addTally(agent: number, kind: Tally['kind'], at: number, count = 1): void {
    add(this.change(slotOf(at), agent).deltas, tallyKey(kind), count);
  }

  /** Applies the transaction's changes to the stored rows; call it inside the transaction, after the last row is written. */
  flush(beforeSlot = Infinity): void {
    this.forgetKeyNumbers();
    const done: number[] = [];
    for (const [slot, agents] of this.pending) {
      if (slot >= beforeSlot) continue;
      for (const [agent, change] of agents) this.apply(slot, agent, change);
      done.push(slot);
    }
    for (const slot of done) this.pending.delete(slot);
  }

  /** Forgets the changes of a transaction that rolls back (and the key numbers it may have interned). */
  discard(): void {
    this.pending.clear();
    this.forgetKeyNumbers();
  }

  private forgetKeyNumbers(): void {
    this.idByKey.clear();
    this.keyById.clear();
  }

  /**
   * Works the totals of the slots overlapping [from, to) out again from the
   * rows (all of them by default): after retention deleted rows, or for a
   * generation written before the totals existed. Bounded memory: the rows
   * are read in order of time and each slot is written once complete.
   */
  recompute(from: number, to: number): void {
    this.flush();
    const lo = Number.isFinite(from) ? slotOf(from) : -Number.MAX_SAFE_INTEGER;
    const hi = Number.isFinite(to) ? slotOf(to - 1) + REPORT_SLOT_MS : Number.MAX_SAFE_INTEGER;
    this.db.prepare(`DELETE FROM ${this.table} WHERE slot_ms >= ? AND slot_ms < ?`).run(lo, hi);
    // in pages (no statement stays open while the totals are written), in order of time and row id
    const intervals = this.db
      .prepare(
        `SELECT start_ms, id, agent, username, dimension, name, status_type, end_ms FROM ${this.p}intervals
         WHERE start_ms < ? AND end_ms > ? AND start_ms >= ? AND (start_ms > ? OR id > ?) ORDER BY start_ms, id LIMIT ${PAGE}`,
      )
      .raw(true);
    let n = 0;
    for (const r of timePages(intervals, [hi, lo], -Number.MAX_SAFE_INTEGER)) {
      const [start, id, agent, username, dimension, name, statusType, end] = r as [number, number, number, string | null, Interval['dimension'], string, string | null, number];
      // only the part within [lo, hi): the slots outside keep their totals
      this.addInterval(agent, id, { username, dimension, name, statusType, start: Math.max(start, lo), end: Math.min(end, hi) });
      // the slots before this interval's have had every interval that reaches them
      if (++n % PAGE === 0) this.flush(slotOf(start));
    }
    this.flush();
    const tallies = this.db
      .prepare(`SELECT at_ms, id, agent, kind FROM ${this.p}tallies WHERE at_ms < ? AND at_ms >= ? AND (at_ms > ? OR id > ?) ORDER BY at_ms, id LIMIT ${PAGE}`)
      .raw(true);
    for (const r of timePages(tallies, [hi], lo)) {
      const [at, id, agent, kind] = r as [number, number, number, Tally['kind']];
      this.addTally(agent, kind, at);
      if (++n % PAGE === 0) this.flush(slotOf(at));
    }
    this.flush();
  }

  /** The totals of the slots within [from, to) (which start and end on slot edges), in order of slot. */
  *read(query: ReportTotalsQuery, arnOf: (agent: number) => string): Generator<ReportTotals> {
    const where = ['slot_ms < ?'];
    const params: unknown[] = [query.to ?? Number.MAX_SAFE_INTEGER];
    if (query.agentArns) {
      if (query.agentArns.length === 0) return;
      where.push(`agent IN (SELECT id FROM streams WHERE stream_id IN (${query.agentArns.map(() => '?').join(',')}))`);
      params.push(...query.agentArns);
    }
    where.push('(slot_ms, agent) > (?, ?)');
    const stmt = this.db
      .prepare(`SELECT slot_ms, agent, totals, username, username_id FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY slot_ms, agent LIMIT ${PAGE}`)
      .raw(true);
    this.forgetKeyNumbers();
    // by key number: the kinds the rows name, each looked up once
    const kinds: ReportKind[] = [];
    const known = (amounts: number[]) => {
      for (let i = 0; i < amounts.length; i += 2) {
        const id = amounts[i]!;
        if (kinds[id] === undefined) {
          const [dimension, name, statusType] = JSON.parse(this.keyOf(id)) as [ReportKind['dimension'], string, string | null];
          kinds[id] = { dimension, name, statusType } as ReportKind;
        }
      }
      return amounts;
    };
    for (const r of keysetPages(stmt, params, [query.from ?? -Number.MAX_SAFE_INTEGER, -1], (last) => [last[0], last[1]])) {
      yield {
        agentArn: arnOf(r[1] as number),
        slot: r[0] as number,
        username: r[3] as string | null,
        usernameOrder: (r[4] as number | null) ?? -1,
        amounts: known(JSON.parse(r[2] as string) as number[]),
        kinds,
      };
    }
  }

  private apply(slot: number, agent: number, change: SlotChange): void {
    const stored = this.stmts.get.get(slot, agent) as [string, string | null, number | null] | undefined;
    const amounts = new Map<string, number>();
    if (stored) {
      const entries = JSON.parse(stored[0]) as number[];
      for (let i = 0; i < entries.length; i += 2) amounts.set(this.keyOf(entries[i]!), entries[i + 1]!);
    }
    for (const [key, delta] of change.deltas) add(amounts, key, delta);
    // rows taken back that the totals never counted (written by a version without them): the slot from its rows
    if ([...amounts.values()].some((amount) => amount < 0)) return this.fromRows(slot, agent);
    const entries: number[] = [];
    for (const [key, amount] of amounts) if (amount !== 0) entries.push(this.keyId(key), amount);
    if (entries.length === 0) {
      if (stored) this.stmts.delete.run(slot, agent);
      return;
    }
    let username = stored?.[1] ?? null;
    let usernameId = stored?.[2] ?? -1;
    if (change.recheck) {
      const last = this.stmts.lastUsername.get(agent, slot + REPORT_SLOT_MS, slot) as [string, number] | undefined;
      [username, usernameId] = last ?? [null, -1];
    } else if (change.username && change.usernameId > usernameId) {
      username = change.username;
      usernameId = change.usernameId;
    }
    this.stmts.put.run(slot, agent, JSON.stringify(entries), username, usernameId < 0 ? null : usernameId);
  }

  /** One agent's slot worked out from its rows alone. */
  private fromRows(slot: number, agent: number): void {
    const end = slot + REPORT_SLOT_MS;
    const change: SlotChange = { deltas: new Map(), username: null, usernameId: -1, recheck: false };
    for (const r of this.stmts.slotIntervals.all(agent, end, slot) as unknown[][]) {
      const iv = { username: r[1] as string | null, dimension: r[2] as Interval['dimension'], name: r[3] as string, statusType: r[4] as string | null };
      add(change.deltas, this.intervalKey(iv), Math.min(r[6] as number, end) - Math.max(r[5] as number, slot));
      if (iv.username && (r[0] as number) > change.usernameId) {
        change.username = iv.username;
        change.usernameId = r[0] as number;
      }
    }
    for (const kind of this.stmts.slotTallies.all(agent, slot, end) as Tally['kind'][]) add(change.deltas, tallyKey(kind), 1);
    this.stmts.delete.run(slot, agent);
    this.apply(slot, agent, change);
  }

  private change(slot: number, agent: number): SlotChange {
    let agents = this.pending.get(slot);
    if (!agents) this.pending.set(slot, (agents = new Map()));
    let change = agents.get(agent);
    if (!change) agents.set(agent, (change = { deltas: new Map(), username: null, usernameId: -1, recheck: false }));
    return change;
  }

  private intervalKey(iv: IntervalKind): string {
    let byType = this.texts.get(iv.dimension);
    if (!byType) this.texts.set(iv.dimension, (byType = new Map()));
    let byName = byType.get(iv.statusType);
    if (!byName) byType.set(iv.statusType, (byName = new Map()));
    let text = byName.get(iv.name);
    if (text === undefined) byName.set(iv.name, (text = JSON.stringify([iv.dimension, iv.name, iv.statusType])));
    return text;
  }

  private keyId(text: string): number {
    let id = this.idByKey.get(text);
    if (id === undefined) {
      id = (this.stmts.keyId.get(text) as number | undefined) ?? (this.stmts.addKey.get(text) as number);
      this.idByKey.set(text, id);
      this.keyById.set(id, text);
    }
    return id;
  }

  private keyOf(id: number): string {
    let text = this.keyById.get(id);
    if (text === undefined) {
      text = this.stmts.keyOf.get(id) as string | undefined;
      if (text === undefined) throw new Error(`report totals: no key ${id}`);
      this.keyById.set(id, text);
      this.idByKey.set(text, id);
    }
    return text;
  }
}

/**
 * The rows of a statement whose last three parameters are a position in
 * (time, id) order, page by page from `from`: each row starts with its time and id.
 */
function timePages(stmt: Database.Statement, params: unknown[], from: number): Generator<unknown[]> {
  return keysetPages(stmt, params, [from, from, -1], (last) => [last[0], last[0], last[1]]);
}

const TALLY_KEYS = new Map<string, string>();
const tallyKey = (kind: Tally['kind']): string => TALLY_KEYS.get(kind) ?? TALLY_KEYS.set(kind, JSON.stringify(['tally', kind, null])).get(kind)!;

function slotOf(t: number): number {
  return Math.floor(t / REPORT_SLOT_MS) * REPORT_SLOT_MS;
}

function add<K>(map: Map<K, number>, key: K, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}
