import type Database from 'better-sqlite3';
import type { Interval, Tally } from '../../projectors/agent.js';
import type { ContactProjection } from '../../projectors/contacts.js';
import type { ContactQuery, IntervalQuery, TallyQuery } from '../ports.js';

/** Rows per page of every paged read (the statements' LIMIT). */
export const PAGE = 1_000;

/**
 * The rows of a statement (LIMIT PAGE) page by page: keyset paging, its last
 * parameters the position after the previous page, which `after` takes from
 * that page's last row. No statement stays open between pages.
 */
export function* keysetPages(stmt: Database.Statement, params: readonly unknown[], first: readonly unknown[], after: (last: unknown[]) => unknown[]): Generator<unknown[]> {
  let position = first;
  for (;;) {
    const rows = stmt.all(...params, ...position) as unknown[][];
    yield* rows;
    if (rows.length < PAGE) return;
    position = after(rows[rows.length - 1]!);
  }
}

/**
 * The large tables of one generation as the queries read them: the columns
 * they need as arrays (no row objects), agent ARNs from the interned stream
 * numbers (looked up once per agent, not joined per row), page by page so
 * that no statement stays open between pages (the connection is shared with
 * writers and other readers), each page found by its key in an index.
 */
export class SqliteReads {
  private readonly arns = new Map<number, string>();
  private readonly arnOf: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    /** the generation's table prefix, e.g. "g1_" */
    private readonly p: string,
  ) {
    this.arnOf = db.prepare(`SELECT stream_id FROM streams WHERE id = ?`).pluck();
  }

  *intervals(query: IntervalQuery): Generator<Interval> {
    const bounds: Bound[] = [];
    if (query.from !== undefined) bounds.push(['end_ms > ?', query.from]);
    if (query.to !== undefined) bounds.push(['start_ms < ?', query.to]);
    const columns = `agent, username, dimension, name, status_type, ${query.contactIds === false ? 'NULL' : 'contact_id'}, start_ms, end_ms`;
    const byStart = query.order === 'start';
    for (const r of this.pages('intervals', columns, query.agentArns, bounds, byStart ? { column: 'start_ms' } : null)) {
      yield {
        agentArn: this.arn(r[0] as number),
        username: r[1] as string | null,
        dimension: r[2] as Interval['dimension'],
        name: r[3] as string,
        statusType: r[4] as string | null,
        contactId: r[5] as string | null,
        start: r[6] as number,
        end: r[7] as number,
      };
    }
  }

  *tallies(query: TallyQuery): Generator<Tally> {
    const bounds: Bound[] = [];
    if (query.to !== undefined) bounds.push(['at_ms < ?', query.to]);
    // in order of time: the index on it serves the bounds and the pages (in order of id, each page would sort them all)
    const order = { column: 'at_ms', from: query.from };
    for (const r of this.pages('tallies', 'agent, kind, contact_id, at_ms', query.agentArns, bounds, order)) {
      yield { agentArn: this.arn(r[0] as number), kind: r[1] as Tally['kind'], contactId: r[2] as string, at: r[3] as number };
    }
  }

  /** In order of start time (and of storage among equal times): the index on it pages them. */
  *contacts(query: ContactQuery): Generator<ContactProjection> {
    const bounds: Bound[] = [];
    if (query.outcome) bounds.push(['outcome = ?', query.outcome]);
    if (query.to !== undefined) bounds.push(['started_at < ?', query.to]);
    const columns = 'instance_arn, contact_id, updated_at, started_at, local_date, chain_start, row';
    for (const r of this.pages('contacts', columns, undefined, bounds, { column: 'started_at', from: query.from })) {
      yield {
        instanceArn: r[0] as string,
        contactId: r[1] as string,
        updatedAt: r[2] as number,
        startedAt: r[3] as number,
        localDate: r[4] as string,
        chainStart: r[5] === 1,
        row: JSON.parse(r[6] as string),
      };
    }
  }

  arn(agent: number): string {
    let arn = this.arns.get(agent);
    if (arn === undefined) {
      arn = this.arnOf.get(agent) as string;
      this.arns.set(agent, arn);
    }
    return arn;
  }

  /**
   * The rows of `table` (the `columns`, then the order's column and the row
   * id last) within the bounds, for the agents if given, in order of the row
   * id, or of `order.column` (from `order.from` on) then the row id. Each page
   * starts with a seek in the index: `column >= ?` at the last page's value.
   */
  private *pages(
    table: string,
    columns: string,
    agentArns: readonly string[] | undefined,
    bounds: Bound[],
    order: { column: string; from?: number } | null,
  ): Generator<unknown[]> {
    if (agentArns && agentArns.length === 0) return;
    const where = bounds.map(([term]) => term);
    const params: unknown[] = bounds.map(([, value]) => value);
    if (agentArns) {
      where.push(`agent IN (SELECT id FROM streams WHERE stream_id IN (${agentArns.map(() => '?').join(',')}))`);
      params.push(...agentArns);
    }
    const c = order?.column;
    const after = c ? `${c} >= ? AND (${c} > ? OR id > ?)` : 'id > ?';
    const sql = `SELECT ${columns}${c ? `, ${c}` : ''}, id FROM ${this.p}${table} WHERE ${[...where, after].join(' AND ')} ORDER BY ${c ? `${c}, id` : 'id'} LIMIT ${PAGE}`;
    const stmt = this.statement(sql);
    const first = order?.from ?? -Number.MAX_SAFE_INTEGER;
    yield* keysetPages(stmt, params, c ? [first, first, -1] : [0], (last) =>
      c ? [last[last.length - 2], last[last.length - 2], last[last.length - 1]] : [last[last.length - 1]],
    );
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw(true);
      // queries with agent lists vary in their number of parameters: keep a few
      if (this.statements.size > 50) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

type Bound = [term: string, value: unknown];
