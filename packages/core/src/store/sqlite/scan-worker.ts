import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { StoreError } from '../errors.js';

/** What a paged scan reads on its own thread. */
export interface PagedScan {
  /** the database file (its own read-only connection: WAL lets it read while the store writes) */
  path: string;
  /** the first page's statement */
  first: string;
  /** the next page's statement, given the last row's key columns */
  next: string;
  /** the indexes, in a row, of the columns `next` takes, in its parameters' order */
  keyColumns: readonly number[];
  pageSize: number;
  /** the reading connection's page cache */
  cacheMb: number;
}

/** Pages read ahead of the one being consumed: enough to cover a pause of either thread, few enough to hold little. */
const PAGES_AHEAD = 3;

/**
 * The reading thread. Plain CommonJS evaluated by the Worker (no module file
 * to locate: the same code runs from the sources, the tests and the CLI's
 * bundle), given better-sqlite3's resolved path. It sends a page whenever it
 * holds a credit, null at the end, or { error } and stops.
 */
const READER = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.module);
let db, first, next, last = null, credits = w.ahead, done = false;
function pump() {
  try {
    if (!db) {
      db = new Database(w.path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 10000');
      db.pragma('cache_size = -' + w.cacheMb * 1024);
      first = db.prepare(w.first).raw(true);
      next = db.prepare(w.next).raw(true);
    }
    while (credits > 0 && !done) {
      const rows = last ? next.all(...last) : first.all();
      credits--;
      if (rows.length > 0) {
        const end = rows[rows.length - 1];
        last = w.keyColumns.map((i) => end[i]);
        parentPort.postMessage(rows);
      }
      if (rows.length < w.pageSize) {
        done = true;
        db.close();
        parentPort.postMessage(null);
      }
    }
  } catch (err) {
    done = true;
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}
parentPort.on('message', () => { credits++; pump(); });
pump();
`;

/**
 * The pages of a scan, read by SQLite on a thread of their own while the
 * caller works through the previous ones: a rebuild spends about a sixth of
 * its time stepping through the event table's pages, which this takes off the
 * thread that projects and writes.
 */
export async function* pagesOnWorker(scan: PagedScan): AsyncGenerator<unknown[][]> {
  const worker = new Worker(READER, {
    eval: true,
    workerData: { ...scan, module: createRequire(import.meta.url).resolve('better-sqlite3'), ahead: PAGES_AHEAD },
  });
  const arrived: Array<unknown[][] | null | { error: string }> = [];
  let failed: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: unknown[][] | null | { error: string }) => {
    arrived.push(m);
    notify();
  });
  worker.on('error', (err) => {
    failed = new StoreError(`the event table's reading thread failed: ${err.message}`);
    notify();
  });
  worker.on('exit', (code) => {
    failed ??= new StoreError(`the event table's reading thread stopped (exit code ${code})`);
    notify();
  });
  try {
    for (;;) {
      if (arrived.length === 0) {
        if (failed) throw failed;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const m = arrived.shift()!;
      if (m === null) return;
      if (!Array.isArray(m)) throw new StoreError(`cannot read the event table: ${m.error}`);
      worker.postMessage(1);
      yield m;
    }
  } finally {
    await worker.terminate();
  }
}
