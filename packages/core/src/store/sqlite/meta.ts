import type Database from 'better-sqlite3';

/** The `meta` table: the layout version, the generations' records and the settings, as text by key. */
export class MetaTable {
  private readonly getStmt: Database.Statement;
  private readonly setStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.getStmt = db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck();
    this.setStmt = db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`);
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key) as string | undefined;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  /** The entries whose keys start with `prefix`, keyed by the rest of the key. */
  withPrefix(prefix: string): Map<string, string> {
    const rows = this.db.prepare(`SELECT key, value FROM meta WHERE key >= ? AND key < ?`).all(prefix, `${prefix}\uffff`) as Array<{ key: string; value: string }>;
    return new Map(rows.map((r) => [r.key.slice(prefix.length), r.value]));
  }

  delete(key: string): void {
    this.db.prepare(`DELETE FROM meta WHERE key = ?`).run(key);
  }

  deletePrefix(prefix: string): void {
    this.db.prepare(`DELETE FROM meta WHERE key >= ? AND key < ?`).run(prefix, `${prefix}\uffff`);
  }
}
