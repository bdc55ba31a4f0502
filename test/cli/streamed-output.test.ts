import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import {
  buildReport,
  CONTACT_FIELDS,
  openIntervals,
  parseRules,
  REPORT_CSV_COLUMNS,
  REPORT_METRICS,
  toIntervalView,
  type ContactProjection,
  type Interval,
  type ReportRow,
  type Tally,
} from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { runCli, startCli, tempDir } from './run.js';

/**
 * Long listings are written as their rows are read, not built whole first:
 * over a simulated store, the bytes must be those of the whole document as it
 * was printed before, and a reader that stops early (`| head`) ends the
 * command quietly.
 */
const CONFIG = join(import.meta.dirname, '../../examples/japan.config.json');
const rules = parseRules({
  timezone: 'Asia/Tokyo',
  bucketMinutes: 15,
  phoneRegion: 'JP',
  flow: { exitAttribute: 'call_route', completedAttribute: 'call_completed' },
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const csv = (header: string[], rows: unknown[][]) =>
  stringify([header, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : typeof v === 'number' || typeof v === 'string' ? v : String(v))))]);

/** What the commands printed when they built the whole document first (their code before streaming, here). */
async function materialised(db: string) {
  const store = SqliteStore.open(db);
  try {
    const intervals: Interval[] = await collect(store.intervals({}));
    const tallies: Tally[] = await collect(store.tallies({}));
    // states going on count up to each agent's last event
    const open = openIntervals(await store.listAgents());
    const report = (bucketMinutes: number): ReportRow[] => buildReport([...intervals, ...open], tallies, { zone: rules.timezone, bucketMinutes });
    const reportCsv = (rows: ReportRow[]) => {
      const statuses = [...new Set(rows.flatMap((r) => Object.keys(r.statusSeconds)))].sort();
      const activities = [...new Set(rows.flatMap((r) => Object.keys(r.activitySeconds)))].sort();
      return csv(
        [...REPORT_CSV_COLUMNS, ...statuses.map((s) => `status:${s}`), ...activities.map((a) => `activity:${a}`)],
        rows.map((r) => [
          r.agentArn,
          r.username,
          r.bucketStart,
          r.bucketEnd,
          ...REPORT_METRICS.map((f) => r[f]),
          ...statuses.map((s) => r.statusSeconds[s] ?? 0),
          ...activities.map((a) => r.activitySeconds[a] ?? 0),
        ]),
      );
    };
    const order = { status: 0, activity: 1, contact: 2 } as const;
    const listed = [...intervals].sort(
      (a, b) =>
        a.start - b.start ||
        a.agentArn.localeCompare(b.agentArn) ||
        order[a.dimension] - order[b.dimension] ||
        (a.contactId ?? '').localeCompare(b.contactId ?? '') ||
        a.end - b.end,
    );
    const contacts: ContactProjection[] = await collect(store.contacts({}));
    contacts.sort((a, b) => a.startedAt - b.startedAt || a.row.contactId.localeCompare(b.row.contactId));
    const contactRows = contacts.map((c) => c.row);
    const report15 = report(15);
    const reportDay = report(1440);
    return {
      'report --bucket 15m --json': json(report15),
      'report --bucket 15m --csv': reportCsv(report15),
      'report --bucket 1d --json': json(reportDay),
      'report --bucket 1d --csv': reportCsv(reportDay),
      'intervals --json': json(listed.map(toIntervalView)),
      'contacts --json': json(contactRows),
      'contacts --csv': csv([...CONTACT_FIELDS], contactRows.map((r) => CONTACT_FIELDS.map((f) => r[f]))),
    };
  } finally {
    store.close();
  }
}

describe('long listings, streamed', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'sim.db');
    const sim = runCli(['simulate', '--agents', '30', '--hours', '3', '--seed', '5', '--out', 'sim.jsonl'], { cwd: dir });
    expect(sim.status).toBe(0);
    expect(runCli(['--config', CONFIG, '--db', db, 'ingest', 'sim.jsonl'], { cwd: dir }).status).toBe(0);
  }, 120_000);

  it('given a simulated store, then report, intervals and contacts print the same bytes as the whole document did', async () => {
    const expected = await materialised(db);
    for (const [command, text] of Object.entries(expected)) {
      const r = runCli(['--config', CONFIG, '--db', db, ...command.split(' ')], { cwd: dir });
      expect(r.stderr, command).toBe('');
      expect(r.status, command).toBe(0);
      expect(r.stdout.length, command).toBeGreaterThan(10_000);
      expect(r.stdout === text, command).toBe(true);
    }
  }, 120_000);

  it.each(['report --bucket 15m --json', 'contacts --csv', 'intervals --json'])(
    'given a reader that stops after the first lines (| head), then `%s` ends quietly with exit 0',
    async (command) => {
      const child = startCli(['--config', CONFIG, '--db', db, ...command.split(' ')], { cwd: dir });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      let first = '';
      child.stdout!.once('data', (d) => {
        first = String(d);
        child.stdout!.destroy();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(first.length).toBeGreaterThan(0);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    },
    60_000,
  );
});
