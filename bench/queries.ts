/**
 * Query speed at scale: each query command of `switchboard`, run as its own
 * process over a simulated store (so that its peak RSS is its own), timed to
 * the end of its output, beside `switchboard agents --json` on the same store
 * in the same run (the baseline: opening the store and printing a small
 * document). Then the dashboard's report of one day from `switchboard serve`
 * over a store of more agents, beside GET /api/agents from the same server:
 * GET /api/report/view as the report view asks for it on opening (the first
 * page, the agents and the centre's totals), its first request after the
 * server starts apart, and GET /api/report (every row of the day, as the CSV
 * download and API clients ask for it).
 *
 *   npm run bench:queries [-- --agents 400 --hours 21 --dashboard-agents 1000 --dashboard-hours 8 --runs 3 --only report]
 *
 * `--bin PATH` runs another build of the CLI (a copy of an earlier
 * packages/cli/dist with its bin), e.g. to measure before and after a change.
 *
 * The stores are simulated and ingested once (about 2 minutes each) and kept
 * under node_modules/.bench/queries. Each output's size and SHA-256 are
 * printed: the same store gives the same bytes before and after a change.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { argsOf, fmt, machine, median } from './machine.js';

const args = argsOf(process.argv);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = args.get('bin') ?? fileURLToPath(new URL('../packages/cli/bin/switchboard.mjs', import.meta.url));
const CONFIG = fileURLToPath(new URL('../examples/japan.config.json', import.meta.url));
const DIR = `${ROOT}node_modules/.bench/queries/`;
const ENV = { ...process.env, SWITCHBOARD_CONFIG: CONFIG, SWITCHBOARD_DB: '' };
/** Writes the child's resource usage to file descriptor 3 as it exits (process.exit included). */
const PROBE =
  "data:text/javascript,import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, JSON.stringify(process.resourceUsage())); } catch {} });";

const QUERIES: string[][] = [
  ['agents', '--json'],
  ['agents'],
  ['report', '--bucket', '15m', '--json'],
  ['report', '--bucket', '15m', '--csv'],
  ['report', '--bucket', '15m'],
  ['report', '--bucket', '1h', '--json'],
  ['report', '--bucket', '1h', '--csv'],
  ['report', '--bucket', '1d', '--json'],
  ['report', '--bucket', '1d', '--csv'],
  ['intervals', '--json'],
  ['contacts', '--json'],
  ['contacts', '--csv'],
  ['funnel', '--json'],
  ['queues', '--json'],
  ['queues', '--now', '--json'],
];

interface Run {
  seconds: number;
  peakRssMb: number;
  bytes: number;
  sha256: string;
}

function cli(argv: string[], what: string): void {
  const r = spawnSync(process.execPath, [BIN, ...argv], { env: ENV, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
}

/** A store of `agents` simulated agents for `hours`, simulated and ingested once. */
function store(agents: number, hours: number): string {
  mkdirSync(DIR, { recursive: true });
  const db = `${DIR}q${agents}-${hours}h.db`;
  if (existsSync(db)) return db;
  const file = `${DIR}sim-${agents}-${hours}h.jsonl`;
  process.stderr.write(`making the store ${db} (once) ...\n`);
  cli(['simulate', '--agents', String(agents), '--hours', String(hours), '--seed', '7', '--out', file], 'simulate');
  cli(['ingest', '--db', `${db}.partial`, file], 'ingest');
  rmSync(file);
  // renamed only once complete, so that an interrupted ingest is not taken for a store
  renameSync(`${db}.partial`, db);
  renameSync(`${db}.partial-payloads`, `${db}-payloads`);
  return db;
}

/** One query as its own process: wall time until it exits, its peak RSS, and what it printed. */
function query(db: string, argv: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PROBE, BIN, '--db', db, ...argv], { env: ENV, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let bytes = 0;
    let usage = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      bytes += d.length;
      hash.update(d);
    });
    child.stderr!.on('data', (d) => (stderr += d));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => (usage += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${argv.join(' ')}: exit ${code}: ${stderr}`));
      const maxRss = (JSON.parse(usage) as NodeJS.ResourceUsage).maxRSS;
      resolve({ seconds, peakRssMb: Math.round(maxRss / 1024), bytes, sha256: hash.digest('hex').slice(0, 16) });
    });
  });
}

async function queries(db: string, runs: number, only: string | undefined) {
  const list = QUERIES.filter((q) => q.join(' ') === 'agents --json' || !only || q.join(' ').includes(only));
  const results = new Map<string, Run[]>(list.map((q) => [q.join(' '), []]));
  for (let i = 0; i < runs; i++) {
    for (const q of list) {
      const r = await query(db, q);
      results.get(q.join(' '))!.push(r);
      process.stderr.write(`run ${i + 1}: ${q.join(' ')}: ${r.seconds.toFixed(2)} s, ${r.peakRssMb} MB, ${fmt(r.bytes)} bytes\n`);
    }
  }
  const base = results.get('agents --json')!;
  const baseSeconds = median(base.map((r) => r.seconds));
  const baseRss = median(base.map((r) => r.peakRssMb));
  return [...results].map(([command, rs]) => {
    const seconds = median(rs.map((r) => r.seconds));
    const peakRssMb = Math.max(...rs.map((r) => r.peakRssMb));
    return {
      command,
      seconds: Number(seconds.toFixed(2)),
      peakRssMb,
      timeVsAgents: Number((seconds / baseSeconds).toFixed(2)),
      rssVsAgents: Number((peakRssMb / baseRss).toFixed(2)),
      bytes: rs[0]!.bytes,
      sha256: rs[0]!.sha256,
    };
  });
}

/** Time to the last byte of GET `path`, in seconds, and the body's size. */
async function get(url: string): Promise<{ seconds: number; bytes: number; rows: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as unknown[] | { rowCount: number };
  return { seconds, bytes: text.length, rows: Array.isArray(body) ? body.length : body.rowCount };
}

/** Local date of an instant in Asia/Tokyo (the example rules' zone), and the UTC instants of its start and end. */
function tokyoDay(ms: number): { date: string; from: string; to: string } {
  const date = new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
  const from = Date.parse(`${date}T00:00:00+09:00`);
  return { date, from: new Date(from).toISOString(), to: new Date(from + 86_400_000).toISOString() };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat, in clock ticks (100 a second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function dashboard(db: string, runs: number) {
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { env: ENV, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => {
        out += d;
        const m = /(http:\/\/[^\s/]+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const health = (await (await fetch(`${origin}/api/health`)).json()) as { lastEventAt: string };
    // the report view's request: the day the store last heard of, in the configured bucket and zone
    const day = tokyoDay(Date.parse(health.lastEventAt));
    const params = { bucket: '15m', from: day.from, to: day.to, tz: 'Asia/Tokyo' };
    const viewUrl = `${origin}/api/report/view?${new URLSearchParams({ ...params, offset: '0', limit: '100' })}`;
    const reportUrl = `${origin}/api/report?${new URLSearchParams(params)}`;
    const agents: number[] = [];
    const view: number[] = [];
    const viewCpu: number[] = [];
    const report: number[] = [];
    const reportCpu: number[] = [];
    let rows = 0;
    let bytes = 0;
    let viewBytes = 0;
    // the server's CPU time for a request: on a machine shared with other work, closer to what it takes alone
    const timed = async (url: string, seconds: number[], cpu: number[]) => {
      const before = cpuSeconds(server.pid!);
      const r = await get(url);
      const after = cpuSeconds(server.pid!);
      seconds.push(r.seconds);
      if (before !== null && after !== null) cpu.push(after - before);
      return r;
    };
    for (let i = 0; i < runs; i++) {
      // the report view first: the first run's request is the first the server answers after starting
      const v = await timed(viewUrl, view, viewCpu);
      viewBytes = v.bytes;
      agents.push((await get(`${origin}/api/agents`)).seconds);
      const r = await timed(reportUrl, report, reportCpu);
      rows = r.rows;
      bytes = r.bytes;
      process.stderr.write(
        `run ${i + 1}: dashboard report view of ${day.date}: ${v.seconds.toFixed(2)} s (server CPU ${viewCpu.at(-1)?.toFixed(2) ?? '?'} s, ${fmt(v.bytes)} bytes); every row: ${r.seconds.toFixed(2)} s (server CPU ${reportCpu.at(-1)?.toFixed(2) ?? '?'} s, ${fmt(r.rows)} rows)\n`,
      );
    }
    const med = (xs: number[], digits = 3) => (xs.length > 0 ? Number(median(xs).toFixed(digits)) : null);
    return {
      day: day.date,
      agentsSeconds: med(agents),
      reportView: {
        firstRequestSeconds: Number(view[0]!.toFixed(3)),
        seconds: med(view),
        serverCpuSeconds: med(viewCpu, 2),
        vsAgents: Number((median(view) / median(agents)).toFixed(1)),
        bytes: viewBytes,
      },
      everyRow: { rows, bytes, seconds: med(report), serverCpuSeconds: med(reportCpu, 2), vsAgents: Number((median(report) / median(agents)).toFixed(1)) },
    };
  } finally {
    server.kill();
  }
}

const agents = Number(args.get('agents') ?? 400);
const hours = Number(args.get('hours') ?? 21);
const dashboardAgents = Number(args.get('dashboard-agents') ?? 1000);
const dashboardHours = Number(args.get('dashboard-hours') ?? 8);
const runs = Number(args.get('runs') ?? 3);
const only = args.get('only');

const db = store(agents, hours);
const cliResults = only === 'dashboard' ? [] : await queries(db, runs, only);
const dashboardResult = only && only !== 'dashboard' ? null : await dashboard(store(dashboardAgents, dashboardHours), runs);
console.log(
  JSON.stringify(
    {
      bench: 'queries',
      date: new Date().toISOString(),
      machine: machine(),
      store: { agents, hours, db },
      runs,
      queries: cliResults,
      dashboard: dashboardResult && { store: { agents: dashboardAgents, hours: dashboardHours }, ...dashboardResult },
    },
    null,
    2,
  ),
);
