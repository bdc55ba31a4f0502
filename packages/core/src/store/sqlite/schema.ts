/** Bumped when the layout changes; a store of another version is refused with a clear error. */
export const SCHEMA_VERSION = '6';

/**
 * Tables shared by every generation: the immutable event table and friends.
 * Streams (agent ARNs, contact ids) are interned so that the event indexes
 * carry short integer keys instead of 100-byte ARNs. Raw payloads live in the
 * payload log beside the database (see payloads.ts); a row holds their position.
 * The dedupe key is unique per stream and time (as in the DynamoDB adapter), so
 * that inserts land at the end of each stream's index range instead of on a
 * random page per event. That index also orders each stream: by time, and
 * within a millisecond by sort key, which the readers do (store/ordering.ts);
 * a second index on the sort key would cost every insert.
 */
export const BASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS streams (
  id           INTEGER PRIMARY KEY,
  stream_id    TEXT NOT NULL UNIQUE,
  kind         TEXT NOT NULL,
  instance_arn TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq          INTEGER PRIMARY KEY,
  stream       INTEGER NOT NULL REFERENCES streams (id),
  dedupe_key   TEXT    NOT NULL,
  occurred_at  INTEGER NOT NULL,
  sort_key     TEXT    NOT NULL,
  received_at  INTEGER NOT NULL,
  source       TEXT    NOT NULL,
  payload_at   INTEGER NOT NULL,
  payload_len  INTEGER NOT NULL,
  facts        TEXT,
  facts_v      INTEGER,
  UNIQUE (stream, occurred_at, dedupe_key)
);
CREATE TABLE IF NOT EXISTS quarantine (
  id          INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  source      TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  raw         TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
  id        TEXT PRIMARY KEY,
  raised_at INTEGER NOT NULL,
  alert     TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/**
 * Secondary indexes of one generation's projections. A rebuild creates them
 * after loading its tables: one sort at the end instead of index pages
 * rewritten on every flush.
 */
export function generationIndexes(g: number): string {
  const p = `g${g}_`;
  return `
CREATE INDEX IF NOT EXISTS ${p}intervals_by_agent ON ${p}intervals (agent, emit_key);
CREATE INDEX IF NOT EXISTS ${p}intervals_by_start ON ${p}intervals (start_ms);
CREATE INDEX IF NOT EXISTS ${p}tallies_by_agent ON ${p}tallies (agent, emit_key);
CREATE INDEX IF NOT EXISTS ${p}tallies_by_time ON ${p}tallies (at_ms);
CREATE INDEX IF NOT EXISTS ${p}contacts_by_start ON ${p}contacts (started_at);
CREATE INDEX IF NOT EXISTS ${p}documents_by_time ON ${p}documents (projection, at, key) WHERE at IS NOT NULL;
`;
}

/**
 * Projection tables of one generation; a rebuild fills a new set and switches.
 * `documents` holds the projections kept as the latest document per key
 * (projections/documents.ts), all in one table; it was added to the layout
 * without a new version: opening a store creates it for the current generation.
 * Its rows live in a rowid table, the key in an index beside it: a document
 * (about a kilobyte) is too large for a WITHOUT ROWID row of a 4 KB page, which
 * spilled every one to an overflow page of its own (three times the space, and
 * two pages rewritten per change). Stores whose generation predates this keep
 * the old layout until their next rebuild; the statements suit both.
 * Intervals and tallies, the large ones, name their agent by its interned
 * stream number (the events of the agent created it); contact rows are keyed
 * by their contact's stream number, which grows as contacts arrive, so new
 * rows go to the end of the key's index rather than to a random page.
 */
export function generationSchema(g: number): string {
  const p = `g${g}_`;
  return `
CREATE TABLE IF NOT EXISTS ${p}agents (
  agent_arn      TEXT PRIMARY KEY,
  state          TEXT    NOT NULL,
  last_sort_key  TEXT    NOT NULL,
  since_snapshot INTEGER NOT NULL,
  version        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ${p}snapshots (
  agent_arn TEXT NOT NULL,
  sort_key  TEXT NOT NULL,
  state     TEXT NOT NULL,
  PRIMARY KEY (agent_arn, sort_key)
);
CREATE TABLE IF NOT EXISTS ${p}intervals (
  id          INTEGER PRIMARY KEY,
  agent       INTEGER NOT NULL REFERENCES streams (id),
  username    TEXT,
  dimension   TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  status_type TEXT,
  contact_id  TEXT,
  start_ms    INTEGER NOT NULL,
  end_ms      INTEGER NOT NULL,
  emit_key    TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS ${p}tallies (
  id         INTEGER PRIMARY KEY,
  agent      INTEGER NOT NULL REFERENCES streams (id),
  kind       TEXT    NOT NULL,
  contact_id TEXT    NOT NULL,
  at_ms      INTEGER NOT NULL,
  emit_key   TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS ${p}contacts (
  id           INTEGER PRIMARY KEY,
  stream       INTEGER NOT NULL UNIQUE REFERENCES streams (id),
  instance_arn TEXT    NOT NULL,
  contact_id   TEXT    NOT NULL,
  updated_at   INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  local_date   TEXT    NOT NULL,
  chain_start  INTEGER NOT NULL,
  outcome      TEXT    NOT NULL,
  row          TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS ${p}documents (
  id         INTEGER PRIMARY KEY,
  projection TEXT    NOT NULL,
  key        TEXT    NOT NULL,
  at         INTEGER,
  version    INTEGER NOT NULL,
  doc        TEXT    NOT NULL,
  UNIQUE (projection, key)
);
`;
}

/** report_totals: see report-totals.ts */
export const GENERATION_TABLES = ['agents', 'snapshots', 'intervals', 'tallies', 'contacts', 'documents', 'report_totals'] as const;
