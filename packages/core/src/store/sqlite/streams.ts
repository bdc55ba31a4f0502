import type Database from 'better-sqlite3';
import type { EventKind } from '../../model.js';

/** Agent streams remembered across transactions (a centre has hundreds to a few thousand agents). */
const REMEMBERED_AGENTS = 20_000;
/**
 * Other streams (contacts) remembered once committed or read by a scan, the
 * latest ones: a contact's later events arrive within minutes, and a rebuild
 * writes a contact's row soon after it replayed the contact's events.
 */
const REMEMBERED_RECENT = 20_000;

/**
 * The interned numbers of streams (agent ARNs, contact streams), shared by the
 * event table and the projections of one connection. Agents recur with every
 * event, so their numbers are remembered once committed. A contact's stream
 * sees a handful of records within minutes, and within an ingest transaction
 * the same number is wanted by the event row, the version check and the
 * contact row: it is remembered within the transaction, and among the latest
 * once committed, sparing lookups in an index of random UUIDs. Numbers
 * interned in a transaction that rolls back are forgotten.
 */
export class StreamNumbers {
  private readonly find: Database.Statement;
  private readonly add: Database.Statement;
  private readonly agents = new Map<string, number>();
  /** numbers of committed streams other than agents, the latest (streams are never deleted, so they stay right) */
  private readonly recent = new Map<string, number>();
  /** numbers seen since the open transaction began; null outside one (nothing is remembered then) */
  private pending: Map<string, { id: number; kind: EventKind }> | null = null;

  constructor(db: Database.Database) {
    this.find = db.prepare(`SELECT id FROM streams WHERE stream_id = ?`).pluck();
    this.add = db.prepare(`INSERT INTO streams (stream_id, kind, instance_arn) VALUES (?, ?, ?) RETURNING id`).pluck();
  }

  /** Called when a write transaction opens: from now on numbers are remembered until it ends. */
  begin(): void {
    this.pending = new Map();
  }

  /** Called when it ends: a commit keeps the agents' numbers; a rollback forgets what it interned. */
  end(committed: boolean): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending || !committed) return;
    for (const [streamId, { id, kind }] of pending) {
      if (kind !== 'agent') {
        this.remember(streamId, id);
        continue;
      }
      if (this.agents.size >= REMEMBERED_AGENTS) this.agents.clear();
      this.agents.set(streamId, id);
    }
  }

  /** The stream's number, or undefined when it has none yet. */
  lookup(streamId: string): number | undefined {
    return this.known(streamId) ?? (this.find.get(streamId) as number | undefined);
  }

  /** The stream's number when it is remembered (no lookup), else undefined. */
  known(streamId: string): number | undefined {
    return this.agents.get(streamId) ?? this.pending?.get(streamId)?.id ?? this.recent.get(streamId);
  }

  /** A committed stream's number (e.g. read by a scan): its next uses need no lookup in the index of random ids. */
  remember(streamId: string, id: number): void {
    if (this.recent.size >= REMEMBERED_RECENT) this.recent.clear();
    this.recent.set(streamId, id);
  }

  /** The stream's number, created on first sight. */
  intern(streamId: string, kind: EventKind, instanceArn: string): number {
    const known = this.known(streamId);
    if (known !== undefined) return known;
    const id = (this.find.get(streamId) as number | undefined) ?? (this.add.get(streamId, kind, instanceArn) as number);
    this.pending?.set(streamId, { id, kind });
    return id;
  }
}
