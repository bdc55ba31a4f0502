/** Append variants: what the event table's insert costs, part by part. */
import Database from 'better-sqlite3';
import { createReadStream, rmSync } from 'node:fs';
import { parseRecord, readInput, type NewEvent } from '../packages/core/src/index.js';

const file = process.argv[2]!;
const events: NewEvent[] = [];
for await (const c of readInput(createReadStream(file, { highWaterMark: 1 << 20 }), file)) {
  if (!c.ok) continue;
  const p = parseRecord(c.value, c.raw, c.source);
  if (p.ok) events.push(p.event);
}
const variants: Record<string, { schema: string; row: (e: NewEvent) => unknown[] }> = {
  full: {
    schema: `CREATE TABLE events (seq INTEGER PRIMARY KEY, stream_id TEXT, dedupe_key TEXT, kind TEXT, instance_arn TEXT, occurred_at INTEGER, sort_key TEXT, received_at INTEGER, source TEXT, raw TEXT, UNIQUE (stream_id, dedupe_key));
     CREATE INDEX s ON events (stream_id, sort_key); CREATE INDEX t ON events (occurred_at);`,
    row: (e) => [e.streamId, e.dedupeKey, e.kind, e.instanceArn, e.occurredAt, e.sortKey, 1, JSON.stringify(e.source), e.raw],
  },
  noIndexes: {
    schema: `CREATE TABLE events (seq INTEGER PRIMARY KEY, stream_id TEXT, dedupe_key TEXT, kind TEXT, instance_arn TEXT, occurred_at INTEGER, sort_key TEXT, received_at INTEGER, source TEXT, raw TEXT);`,
    row: (e) => [e.streamId, e.dedupeKey, e.kind, e.instanceArn, e.occurredAt, e.sortKey, 1, JSON.stringify(e.source), e.raw],
  },
  noRaw: {
    schema: `CREATE TABLE events (seq INTEGER PRIMARY KEY, stream_id TEXT, dedupe_key TEXT, kind TEXT, instance_arn TEXT, occurred_at INTEGER, sort_key TEXT, received_at INTEGER, source TEXT, raw TEXT, UNIQUE (stream_id, dedupe_key));
     CREATE INDEX s ON events (stream_id, sort_key); CREATE INDEX t ON events (occurred_at);`,
    row: (e) => [e.streamId, e.dedupeKey, e.kind, e.instanceArn, e.occurredAt, e.sortKey, 1, JSON.stringify(e.source), ''],
  },
  rawAsBlob: {
    schema: `CREATE TABLE events (seq INTEGER PRIMARY KEY, stream_id TEXT, dedupe_key TEXT, kind TEXT, instance_arn TEXT, occurred_at INTEGER, sort_key TEXT, received_at INTEGER, source TEXT, raw BLOB, UNIQUE (stream_id, dedupe_key));
     CREATE INDEX s ON events (stream_id, sort_key); CREATE INDEX t ON events (occurred_at);`,
    row: (e) => [e.streamId, e.dedupeKey, e.kind, e.instanceArn, e.occurredAt, e.sortKey, 1, JSON.stringify(e.source), Buffer.from(e.raw)],
  },
};
for (const [name, v] of Object.entries(variants)) {
  for (const mode of ['WAL', 'DELETE']) {
    rmSync('/tmp/v.db', { force: true });
    rmSync('/tmp/v.db-wal', { force: true });
    const db = new Database('/tmp/v.db');
    db.pragma('page_size = 16384');
    db.pragma(`journal_mode = ${mode}`);
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    db.exec(v.schema);
    const stmt = db.prepare(`INSERT INTO events (stream_id, dedupe_key, kind, instance_arn, occurred_at, sort_key, received_at, source, raw) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`);
    const start = performance.now();
    for (let i = 0; i < events.length; i += 5000) {
      db.transaction(() => {
        for (const e of events.slice(i, i + 5000)) stmt.run(...(v.row(e) as []));
      })();
    }
    const ms = performance.now() - start;
    console.log(`${name.padEnd(10)} ${mode.padEnd(6)} ${((ms * 1000) / events.length).toFixed(1)} us/event`);
    db.close();
  }
}
