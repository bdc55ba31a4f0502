import type Database from 'better-sqlite3';
import type { DocumentQuery, DocumentWrite, StoredDocument } from '../ports.js';

const PAGE = 2_000;
const IN_CHUNK = 500;

type Row = { key: string; at: number | null; version: number; doc: string };

/**
 * The documents of one generation (the projections kept as the latest
 * document per key), in its `documents` table.
 */
export class SqliteDocuments {
  private readonly stmts;
  /**
   * Documents read or written in the open ingest transaction (null: none, or
   * deleted), by projection and key, with the writes to make: each changed
   * document is written once, before the transaction commits, however many of
   * its batches changed it. Nobody else writes while it holds the write lock.
   */
  private held: { docs: Map<string, StoredDocument | null>; changed: Map<string, DocumentWrite> } | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
  ) {
    this.stmts = {
      upsert: db.prepare(
        `INSERT INTO ${table} (projection, key, at, version, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (projection, key) DO UPDATE SET at = excluded.at, version = excluded.version, doc = excluded.doc`,
      ),
      remove: db.prepare(`DELETE FROM ${table} WHERE projection = ? AND key = ?`),
      allFirst: db.prepare(`SELECT key, at, version, doc FROM ${table} WHERE projection = ? ORDER BY key LIMIT ${PAGE}`),
      allNext: db.prepare(`SELECT key, at, version, doc FROM ${table} WHERE projection = ? AND key > ? ORDER BY key LIMIT ${PAGE}`),
      rangeFirst: db.prepare(
        `SELECT key, at, version, doc FROM ${table} WHERE projection = ? AND at >= ? AND at < ? ORDER BY at, key LIMIT ${PAGE}`,
      ),
      rangeNext: db.prepare(
        `SELECT key, at, version, doc FROM ${table} WHERE projection = ? AND at < ? AND (at, key) > (?, ?) ORDER BY at, key LIMIT ${PAGE}`,
      ),
    };
  }

  /** Starts holding documents until `release` (SqliteStore.transaction calls both, through SqliteProjections). */
  hold(): void {
    this.held = { docs: new Map(), changed: new Map() };
  }

  /** Writes the held documents that changed (the transaction is about to commit; `write` false: it rolls back) and stops holding. */
  release(write: boolean): void {
    const held = this.held;
    this.held = null;
    if (held && write) this.writeNow([...held.changed.values()]);
  }

  get(projection: string, keys: readonly string[]): Map<string, StoredDocument> {
    const held = this.held;
    if (!held) return this.read(projection, keys);
    const out = new Map<string, StoredDocument>();
    const missing: string[] = [];
    for (const key of keys) {
      const id = documentId(projection, key);
      const d = held.docs.get(id);
      if (d === undefined) missing.push(key);
      else if (d) out.set(key, d);
    }
    if (missing.length > 0) {
      const stored = this.read(projection, missing);
      for (const key of missing) {
        const d = stored.get(key) ?? null;
        held.docs.set(documentId(projection, key), d);
        if (d) out.set(key, d);
      }
    }
    return out;
  }

  private read(projection: string, keys: readonly string[]): Map<string, StoredDocument> {
    const out = new Map<string, StoredDocument>();
    for (let i = 0; i < keys.length; i += IN_CHUNK) {
      const chunk = keys.slice(i, i + IN_CHUNK);
      const rows = this.db
        .prepare(`SELECT key, at, version, doc FROM ${this.table} WHERE projection = ? AND key IN (${chunk.map(() => '?').join(',')})`)
        .all(projection, ...chunk) as Row[];
      for (const r of rows) out.set(r.key, toDocument(r));
    }
    return out;
  }

  /** Pages by key (or time and key) so that no statement stays open between pages: the connection is shared. */
  *list(projection: string, query: DocumentQuery = {}): Generator<StoredDocument> {
    // inside a transaction, what it changed so far is written first: the listing reads SQLite
    if (this.held) {
      this.writeNow([...this.held.changed.values()]);
      this.held.changed.clear();
    }
    const ranged = query.from !== undefined || query.to !== undefined;
    const from = query.from ?? -Number.MAX_SAFE_INTEGER;
    const to = query.to ?? Number.MAX_SAFE_INTEGER;
    let rows = (ranged ? this.stmts.rangeFirst.all(projection, from, to) : this.stmts.allFirst.all(projection)) as Row[];
    for (;;) {
      for (const r of rows) yield toDocument(r);
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      rows = (ranged ? this.stmts.rangeNext.all(projection, to, last.at, last.key) : this.stmts.allNext.all(projection, last.key)) as Row[];
    }
  }

  write(writes: readonly DocumentWrite[]): void {
    const held = this.held;
    if (!held) {
      this.writeNow(writes);
      return;
    }
    for (const w of writes) {
      const id = documentId(w.projection, w.key);
      held.docs.set(id, w.doc === null ? null : { key: w.key, at: w.at, version: w.version, doc: w.doc });
      held.changed.set(id, w);
    }
  }

  private writeNow(writes: readonly DocumentWrite[]): void {
    for (const w of writes) {
      if (w.doc === null) this.stmts.remove.run(w.projection, w.key);
      else this.stmts.upsert.run(w.projection, w.key, w.at, w.version, JSON.stringify(w.doc));
    }
  }
}

function documentId(projection: string, key: string): string {
  return `${projection}\u0000${key}`;
}

function toDocument(r: Row): StoredDocument {
  return { key: r.key, at: r.at ?? null, version: r.version, doc: JSON.parse(r.doc) };
}
