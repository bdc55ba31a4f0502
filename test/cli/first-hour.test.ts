import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, json, runCli, startCli, tempDir, type CliResult } from './run.js';

/** Connect's documented examples of contact events, as EventBridge delivers them. */
const CONTACT_EVENTS = fileURLToPath(new URL('../fixtures/contact-events.doc-examples.jsonl', import.meta.url));

/**
 * What a new user meets in the first hour with the CLI: pipes into `head`,
 * a mistyped --db, long runs, inputs that are not Connect data, and tables
 * in a terminal.
 */

/** Runs the command until it printed something, then closes the reading end (as `| head -1` does). */
function readFirstChunkThenClose(args: string[], cwd: string): Promise<{ code: number | null; signal: string | null; first: string; stderr: string }> {
  const child = startCli(args, { cwd });
  let first = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.once('data', (d: Buffer) => {
    first = d.toString('utf8');
    child.stdout!.destroy();
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, first, stderr })));
}

/** Runs the command in a pseudo-terminal of the given width (util-linux `script`); output with \r removed. */
function inTerminal(args: string[], cwd: string, columns = 80): CliResult {
  const command = `stty cols ${columns} rows 50; ${[process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SWITCHBOARD_DB: '', SWITCHBOARD_CONFIG: '', TERM: 'xterm' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout.replace(/\r/g, ''), stderr: r.stderr };
}

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

describe('a store big enough that the output fills a pipe', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' }));
    expect(runCli(['simulate', '--agents', '100', '--hours', '3', '--seed', '3', '--out', 'day.jsonl.gz'], { cwd: dir }).status).toBe(0);
    expect(runCli(['ingest', 'day.jsonl.gz'], { cwd: dir }).status).toBe(0);
  }, 180_000);

  it.each([
    [['report', '--bucket', '15m'], /^Bucket\s+Agent\s+Online/],
    [['report', '--bucket', '15m', '--csv'], /^agentArn,username,bucketStart/],
    [['report', '--json'], /^\[/],
    [['contacts'], /^Started\s+Contact/],
    [['contacts', '--csv'], /^contactId,/],
    [['intervals'], /^Agent\s+Dimension/],
    [['intervals', '--json'], /^\[/],
    [['funnel', '--csv'], /^date,exitPoint/],
    [['simulate', '--agents', '50', '--hours', '2'], /^\{"AWSAccountId"|^\{"/],
  ])('%j | head -1 ends quietly with exit 0', async (args, firstLine) => {
    const r = await readFirstChunkThenClose(args, dir);
    expect(r.first).toMatch(firstLine);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  it('prints tables without a rule between rows, one line per row, with long ids shortened', () => {
    const report = runCli(['report', '--bucket', '1h'], { cwd: dir });
    const lines = report.stdout.trimEnd().split('\n');
    const rows = json<unknown[]>(runCli(['report', '--bucket', '1h', '--json'], { cwd: dir }));
    expect(lines).toHaveLength(rows.length + 1);
    expect(report.stdout).not.toMatch(/[─┼├┤│┌┐└┘]/);
    // bucket starts in the configured zone, to the minute
    expect(lines[1]).toMatch(/^2024-04-18 08:00 {2}/);
    // a column for every metric of a report row (those of the JSON), times as h:mm:ss
    const metrics = Object.keys(rows[0] as object).filter((k) => !/^(agentArn|username|bucket(Start|End)|statusSeconds|activitySeconds)$/.test(k));
    expect(lines[0]!.split(/ {2,}/)).toEqual(['Bucket', 'Agent', 'Online', 'Idle', 'Non-productive', 'On contact', 'Hold', 'ACW', 'Error', 'Holds', 'Contacts handled', 'Non-response', 'Occupancy']);
    expect(lines[0]!.split(/ {2,}/)).toHaveLength(2 + metrics.length);
    expect(lines[1]!.split(/ {2,}/)[2]).toMatch(/^\d+:\d{2}:\d{2}$/);

    const contacts = runCli(['contacts'], { cwd: dir }).stdout.split('\n');
    const first = json<Array<{ contactId: string }>>(runCli(['contacts', '--json'], { cwd: dir }))[0]!;
    expect(contacts[1]).toContain(`${first.contactId.slice(0, 8)}…`);
    expect(contacts[1]).not.toContain(first.contactId);
    const wide = runCli(['contacts', '--wide'], { cwd: dir }).stdout.split('\n');
    expect(wide[1]).toContain(first.contactId);
    expect(wide[1]).toMatch(/^2024-04-18T\d{2}:\d{2}:\d{2}(\.\d+)?\+09:00 /);

    const agent = json<Array<{ agentArn: string; username: string }>>(runCli(['agents', '--json'], { cwd: dir }))[0]!;
    const agents = runCli(['agents'], { cwd: dir }).stdout;
    expect(agents).not.toContain('arn:aws:connect');
    expect(agents.split('\n')[1]).toMatch(new RegExp(`^${agent.username} `));
    expect(runCli(['agents', '--wide'], { cwd: dir }).stdout.split('\n')[1]).toMatch(new RegExp(`^${agent.agentArn} `));
  });

  it('fits the tables to a 100-column terminal, says what it left out, and --wide leaves them whole', () => {
    for (const command of [['contacts'], ['intervals'], ['agents'], ['report', '--bucket', '1h'], ['funnel'], ['quarantine']]) {
      const r = inTerminal(command, dir, 100);
      expect(r.status).toBe(0);
      const lines = plain(r.stdout).split('\n').filter((l) => l && !l.startsWith('(not shown'));
      expect(lines.filter((l) => l.length > 100), command.join(' ')).toEqual([]);
    }
    const narrow = plain(inTerminal(['contacts'], dir, 100).stdout);
    expect(narrow).toMatch(/…/);
    expect(narrow).toMatch(/^\(not shown for want of width: [A-Za-z, ]+; --wide shows every column\)$/m);
    expect(narrow.split('\n')[0]).toMatch(/^Started\s+Contact\s.*Number\s+Exit point\s+Outcome\s+Duration/);
    const whole = plain(inTerminal(['contacts', '--wide'], dir, 100).stdout).split('\n').filter(Boolean);
    expect(Math.max(...whole.map((l) => l.length))).toBeGreaterThan(100);
    expect(whole[0]).toMatch(/Completed.*Queue\s+Agent$/);
  });

  it('shows progress while simulating on a terminal, then a human summary', () => {
    const r = inTerminal(['simulate', '--agents', '300', '--hours', '4', '--out', 'big.jsonl'], dir, 120);
    expect(r.status).toBe(0);
    const out = plain(r.stdout);
    expect(out).toMatch(/simulate \[[█░]+\] \d+% \| [\d,]+ events \| [\d,]+ events\/s/);
    expect(out).toMatch(/simulated 300 agents for 4 h: [\d,]+ events \([\d.]+ MB\) in [\d.]+ s, written to big\.jsonl/);
  }, 120_000);
});

describe('read commands on a store that does not exist', () => {
  const dir = tempDir();

  it.each([
    [['--db', 'typo.db', 'agents']],
    [['--db', 'typo.db', 'report']],
    [['--db', 'typo.db', 'contacts', '--json']],
    [['--db', 'typo.db', 'intervals']],
    [['--db', 'typo.db', 'funnel']],
    [['--db', 'typo.db', 'quarantine']],
    [['--db', 'typo.db', 'rebuild']],
    [['--db', 'typo.db', 'prune', '--event-days', '30']],
    [['--db', 'typo.db', 'serve', '--port', '0']],
  ])('%j says so in one line, exits 1 and creates nothing', (args) => {
    const r = runCli(args, { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^switchboard: no store at \/.*\/typo\.db: check --db \(or SWITCHBOARD_DB\), or create it with `switchboard ingest FILE`\n$/);
    expect(existsSync(join(dir, 'typo.db'))).toBe(false);
  });

  it('reads the path from SWITCHBOARD_DB too, and the default store is no exception', () => {
    const r = runCli(['agents'], { cwd: dir, env: { SWITCHBOARD_DB: 'other.db' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no store at .*\/other\.db/);
    expect(runCli(['report'], { cwd: dir }).stderr).toMatch(/no store at .*\/\.switchboard\/switchboard\.db/);
    expect(existsSync(join(dir, '.switchboard'))).toBe(false);
  });

  it('ingest creates the store', () => {
    expect(runCli(['--db', 'new.db', 'ingest', '-'], { cwd: dir, input: '' }).status).toBe(0);
    expect(runCli(['--db', 'new.db', 'agents'], { cwd: dir }).status).toBe(0);
  });
});

describe('ingest tells what it did', () => {
  it('ends with a summary and the rate when standard error is not a terminal', () => {
    const dir = tempDir();
    runCli(['simulate', '--agents', '5', '--hours', '1', '--out', 'a.jsonl'], { cwd: dir });
    const r = runCli(['ingest', 'a.jsonl'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^read \d+, appended \d+, duplicates \d+, rejected 0 in \d+\.\d s \([\d,]+ records\/s\)\n$/);
    expect(r.stderr).toBe('');
  });

  it.each([
    ['random bytes', () => randomBytes(200_000)],
    ['a JSON export of something else', () => Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, name: `row ${i}`, createdAt: '2024-04-18' })).join('\n')],
  ])('given %s, then it exits 0 but says plainly that this is not Connect data', (_what, content) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'export.dat'), content());
    const r = runCli(['ingest', 'export.dat'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/appended 0/);
    expect(r.stderr).toMatch(/switchboard: \d+ of \d+ records were rejected: this does not look like Amazon Connect agent events, contact records or contact events/);
    // a few reasons, not a screenful
    expect(r.stderr.split('\n').filter((l) => l.startsWith('rejected ')).length).toBeLessThanOrEqual(3);
    expect(runCli(['ingest', 'export.dat', '--strict'], { cwd: dir }).status).toBe(1);
  });

  it('given contact events alone (the third feed), then they are Connect data', () => {
    const dir = tempDir();
    const r = runCli(['ingest', CONTACT_EVENTS], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^read (\d+), appended \1, duplicates 0, rejected 0 /);
    expect(r.stderr).not.toMatch(/does not look like/);
  });

  it('given EventBridge events of another service, then it names the three feeds it reads', () => {
    const dir = tempDir();
    const ec2 = (i: number) => ({
      version: '0',
      id: `7bf73129-1428-4cd3-a780-95db273d1602-${i}`,
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2024-04-18T08:00:00Z',
      region: 'ap-northeast-1',
      resources: [`arn:aws:ec2:ap-northeast-1:123456789012:instance/i-${i}`],
      detail: { 'instance-id': `i-${i}`, state: 'running' },
    });
    writeFileSync(join(dir, 'events.jsonl'), Array.from({ length: 20 }, (_, i) => JSON.stringify(ec2(i))).join('\n'));
    const r = runCli(['ingest', 'events.jsonl'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/switchboard: 20 of 20 records were rejected: this does not look like Amazon Connect agent events, contact records or contact events/);
  });

  it('given Connect data with a few bad lines, then it does not claim the input is something else', () => {
    const dir = tempDir();
    runCli(['simulate', '--agents', '2', '--hours', '1', '--out', 'a.jsonl'], { cwd: dir });
    writeFileSync(join(dir, 'a.jsonl'), `${readFileSync(join(dir, 'a.jsonl'), 'utf8')}{"broken\nnot json\n`);
    const r = runCli(['ingest', 'a.jsonl'], { cwd: dir });
    expect(r.stderr).toMatch(/rejected a\.jsonl:\d+/);
    expect(r.stderr).not.toMatch(/does not look like/);
  });
});

describe('simulate', () => {
  it('prints a human summary, or JSON with --json', () => {
    const dir = tempDir();
    const human = runCli(['simulate', '--agents', '4', '--hours', '1', '--out', 'a.jsonl.gz'], { cwd: dir });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^simulated 4 agents for 1 h: [\d,]+ events \([\d.]+ MB before compression\) in [\d.]+ s, written to a\.jsonl\.gz\n$/);
    const doc = json<{ events: number; bytes: number }>(runCli(['simulate', '--agents', '4', '--hours', '1', '--out', 'b.jsonl', '--json'], { cwd: dir }));
    expect(doc.events).toBe(readFileSync(join(dir, 'b.jsonl'), 'utf8').trim().split('\n').length);
    const bad = runCli(['simulate', '--json'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--json needs --out or --kinesis-stream/);
  });
});
