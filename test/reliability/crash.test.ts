import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRules, queryAgents, queryContacts, queryFunnel, queryIntervals, queryReport, type RulesInput } from '@switchboard/core';
import { SqliteStore, STORE_SUFFIXES } from '@switchboard/core/sqlite';
import { runCli, startCli, tempDir } from '../cli/run.js';

/**
 * kill -9 at many points of an ingest, then re-ingest: the store must equal a
 * clean run (same events, same projections). And a rebuild killed mid-way
 * leaves the old projections serving; the next rebuild completes.
 */
const KILL_POINTS = 20;
const TOKYO: RulesInput = { timezone: 'Asia/Tokyo', phoneRegion: 'JP' };

async function fingerprint(db: string, rules: RulesInput = TOKYO): Promise<{ events: number; checksum: string }> {
  const store = SqliteStore.open(db);
  try {
    const r = parseRules(rules);
    const everything = {
      agents: await queryAgents(store),
      intervals: await queryIntervals(store, {}),
      report: await queryReport(store, r, { bucketMinutes: 60 }),
      contacts: await queryContacts(store, {}),
      funnel: await queryFunnel(store),
    };
    return { events: (await store.counts()).events, checksum: createHash('sha256').update(JSON.stringify(everything)).digest('hex') };
  } finally {
    store.close();
  }
}

function removeDb(db: string): void {
  SqliteStore.remove(db);
}

function copyStore(from: string, to: string): void {
  for (const s of STORE_SUFFIXES) if (existsSync(from + s)) cpSync(from + s, to + s, { recursive: true });
}

/** Starts a command and SIGKILLs it after `ms`; resolves with how it ended. */
function killAfter(args: string[], cwd: string, ms: number): Promise<{ killed: boolean }> {
  const child = startCli(args, { cwd });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((ok) =>
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      ok({ killed: signal === 'SIGKILL' });
    }),
  );
}

describe('crash safety of the embedded store', () => {
  const dir = tempDir('switchboard-crash-');
  const file = join(dir, 'traffic.jsonl');
  let clean: { events: number; checksum: string };
  let cleanMs = 0;

  beforeAll(async () => {
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify(TOKYO));
    expect(runCli(['simulate', '--agents', '30', '--hours', '4', '--seed', '21', '--out', file], { cwd: dir }).status).toBe(0);
    const started = Date.now();
    expect(runCli(['--db', 'clean.db', 'ingest', file], { cwd: dir }).status).toBe(0);
    cleanMs = Date.now() - started;
    // a second, warm run: the kill points must fall within the shorter of the two
    const again = Date.now();
    expect(runCli(['--db', 'timing.db', 'ingest', file], { cwd: dir }).status).toBe(0);
    cleanMs = Math.min(cleanMs, Date.now() - again);
    removeDb(join(dir, 'timing.db'));
    clean = await fingerprint(join(dir, 'clean.db'));
    expect(clean.events).toBeGreaterThan(5_000);
  }, 300_000);

  it(`an ingest killed at ${KILL_POINTS} points and re-run equals a clean run`, async () => {
    let interrupted = 0;
    for (let i = 0; i < KILL_POINTS; i++) {
      const db = join(dir, `kill-${i}.db`);
      removeDb(db);
      // spread over the whole run, after the process has had time to start
      const at = 100 + Math.round(((i + Math.random()) / KILL_POINTS) * cleanMs * 0.9);
      const { killed } = await killAfter(['--db', db, 'ingest', file], dir, at);
      if (killed) interrupted++;
      expect(runCli(['--db', db, 'ingest', file], { cwd: dir }).status).toBe(0);
      expect(await fingerprint(db)).toEqual(clean);
      removeDb(db);
    }
    expect(interrupted).toBeGreaterThanOrEqual(KILL_POINTS * 0.75);
  }, 600_000);

  it('a rebuild killed mid-way leaves the old projections serving, and the next rebuild completes', async () => {
    const db = join(dir, 'rebuild.db');
    copyStore(join(dir, 'clean.db'), db);
    const utc = join(dir, 'utc.json');
    writeFileSync(utc, JSON.stringify({ timezone: 'UTC', phoneRegion: 'JP' }));

    const started = Date.now();
    const reference = join(dir, 'reference.db');
    copyStore(db, reference);
    expect(runCli(['--db', reference, '--config', utc, 'rebuild'], { cwd: dir }).status).toBe(0);
    const rebuildMs = Date.now() - started;
    const rebuilt = await fingerprint(reference, { timezone: 'UTC', phoneRegion: 'JP' });

    let interrupted = 0;
    for (let i = 0; i < 5; i++) {
      const { killed } = await killAfter(['--db', db, '--config', utc, 'rebuild'], dir, 100 + Math.round(((i + 0.5) / 5) * rebuildMs * 0.8));
      // The switch is atomic: either the old generation (Tokyo rules) still
      // serves, complete and unchanged, or the new one is complete.
      const old = await fingerprint(db);
      const completed = old.checksum !== clean.checksum;
      if (completed) expect(await fingerprint(db, { timezone: 'UTC', phoneRegion: 'JP' })).toEqual(rebuilt);
      else expect(old).toEqual(clean);
      if (!killed || completed) break; // nothing left to interrupt
      interrupted++;
    }
    expect(interrupted).toBeGreaterThanOrEqual(3);
    expect(runCli(['--db', db, '--config', utc, 'rebuild'], { cwd: dir }).status).toBe(0);
    expect(await fingerprint(db, { timezone: 'UTC', phoneRegion: 'JP' })).toEqual(rebuilt);
  }, 600_000);
});
