import type Database from 'better-sqlite3';
import type { Alert } from '../../alert.js';
import type { AlertLedger } from '../ports.js';

/** The alert ledger: one row per occurrence, so that each is raised once. */
export class SqliteAlertLedger implements AlertLedger {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      record: db.prepare(`INSERT INTO alerts (id, raised_at, alert) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`),
      recent: db.prepare(`SELECT alert FROM alerts ORDER BY raised_at DESC, id LIMIT ?`).pluck(),
    };
  }

  async recordAlerts(alerts: readonly Alert[]): Promise<Alert[]> {
    const fresh: Alert[] = [];
    const now = Date.now();
    const run = () => {
      for (const a of alerts) if (this.stmts.record.run(a.id, now, JSON.stringify(a)).changes === 1) fresh.push(a);
    };
    if (this.db.inTransaction) run();
    else this.db.transaction(run)();
    return fresh;
  }

  async recentAlerts(limit: number): Promise<Alert[]> {
    return (this.stmts.recent.all(limit) as string[]).map((a) => JSON.parse(a) as Alert);
  }
}
