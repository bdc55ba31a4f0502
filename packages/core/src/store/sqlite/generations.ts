import type Database from 'better-sqlite3';
import type { ProjectionVersions } from '../ports.js';
import type { MetaTable } from './meta.js';
import { SqliteProjections } from './projections.js';
import { GENERATION_TABLES, generationIndexes } from './schema.js';
import type { StreamNumbers } from './streams.js';

/**
 * Generations of projections: `g<N>_` tables, the current one named in the
 * meta table (`generation`), each with its record (`gen.<N>.rulesHash`,
 * `versions`, `builtAt`, and `hwm`, the last event sequence number a rebuild's
 * scan covers). A rebuild fills a new generation and switches to it.
 */
export class SqliteGenerations {
  private currentProjections: SqliteProjections;

  constructor(
    private readonly db: Database.Database,
    private readonly streams: StreamNumbers,
    private readonly meta: MetaTable,
  ) {
    let generation = Number(meta.get('generation') ?? 0);
    if (generation === 0) {
      generation = 1;
      db.transaction(() => {
        new SqliteProjections(db, streams, 1, true);
        meta.set('generation', '1');
      })();
    }
    this.currentProjections = new SqliteProjections(db, streams, generation, true);
  }

  /** The current generation's projections (another process may have switched it). */
  current(): SqliteProjections {
    const generation = Number(this.meta.get('generation'));
    if (generation !== this.currentProjections.generation) this.currentProjections = new SqliteProjections(this.db, this.streams, generation);
    return this.currentProjections;
  }

  /** A new generation after the current one, without its secondary indexes (switchTo adds them); `highWaterMark`: the last event its scan covers. */
  begin(rulesHash: string, versions: ProjectionVersions | undefined, highWaterMark: number): SqliteProjections {
    const current = this.current().generation;
    const next = current + 1;
    this.db.transaction(() => {
      for (const g of this.leftovers(current)) this.dropTables(g);
      this.meta.set(`gen.${next}.rulesHash`, rulesHash);
      if (versions) this.meta.set(`gen.${next}.versions`, JSON.stringify(versions));
      this.meta.set(`gen.${next}.hwm`, String(highWaterMark));
    })();
    return new SqliteProjections(this.db, this.streams, next, 'tables');
  }

  highWaterMark(generation: number): number {
    return Number(this.meta.get(`gen.${generation}.hwm`) ?? 0);
  }

  /** Creates the secondary indexes of a generation built without them. */
  index(generation: number): void {
    // the index sorts spill to temporary files rather than growing the heap by the size of the tables
    this.db.pragma('temp_store = FILE');
    try {
      this.db.exec(generationIndexes(generation));
    } finally {
      this.db.pragma('temp_store = MEMORY');
    }
  }

  /** Makes the generation current and drops the others; call it inside the transaction that caught the generation up. */
  makeCurrent(generation: number, rulesHash: string): void {
    this.meta.set(`gen.${generation}.rulesHash`, rulesHash);
    this.meta.set(`gen.${generation}.builtAt`, String(Date.now()));
    this.meta.set('generation', String(generation));
    for (const g of this.leftovers(generation)) this.dropTables(g);
  }

  /** Forgets a generation that is not the current one. */
  drop(generation: number): void {
    if (generation === this.current().generation) return;
    this.db.transaction(() => this.dropTables(generation))();
  }

  private leftovers(current: number): number[] {
    const rows = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'g[0-9]*_agents'`).pluck().all() as string[];
    return rows.map((name) => Number(/^g(\d+)_/.exec(name)![1])).filter((g) => g !== current);
  }

  private dropTables(generation: number): void {
    for (const t of GENERATION_TABLES) this.db.exec(`DROP TABLE IF EXISTS g${generation}_${t}`);
    this.meta.deletePrefix(`gen.${generation}.`);
  }
}
