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

  get(projection: string, keys: readonly string[]): Map<string, StoredDocument> {
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
    for (const w of writes) {
      if (w.doc === null) this.stmts.remove.run(w.projection, w.key);
      else this.stmts.upsert.run(w.projection, w.key, w.at, w.version, JSON.stringify(w.doc));
    }
  }
}

function toDocument(r: Row): StoredDocument {
  return { key: r.key, at: r.at ?? null, version: r.version, doc: JSON.parse(r.doc) };
}
