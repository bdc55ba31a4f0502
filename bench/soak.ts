/**
 * Load and soak of the local runtime: `switchboard dev` with many simulated
 * agents, sped up, for some minutes. Measures event-to-projection latency (from
 * /api/health: each batch from its oldest event's arrival to its commit),
 * dashboard push latency (an SSE client compares when an agent's change
 * arrives with when its event was released), and the runtime's memory (VmRSS
 * of the process every 5 s, and its JS heap from /api/health).
 *
 *   npm run bench:soak -- --agents 2000 --speed 10 --minutes 10 [--node "--trace-gc"]
 *
 * Nothing is left out as warm-up: the first minute and the last minute are
 * reported separately, besides the whole run. The start-up (filling in the
 * simulated centre's last 15 minutes, before the runtime goes live) is
 * reported on its own: how long it took and its peak RSS. `--node` passes
 * flags to the runtime's Node.js (profiles, GC traces).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argsOf, fmt, machine, median } from './machine.js';
import { SqliteStore } from '../packages/core/src/store/sqlite/index.js';

const args = argsOf(process.argv);
const agents = Number(args.get('agents') ?? 2000);
const speed = Number(args.get('speed') ?? 10);
const minutes = Number(args.get('minutes') ?? 10);
const nodeFlags = (args.get('node') ?? '').split(' ').filter(Boolean);
const MINUTE = 60_000;

const db = join(tmpdir(), `switchboard-soak-${process.pid}.db`);
const spawned = Date.now();
const child = spawn(
  process.execPath,
  [...nodeFlags, 'packages/cli/bin/switchboard.mjs', '--db', db, 'dev', '--port', '0', '--agents', String(agents), '--speed', String(speed), '--seed', '9'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const vmRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

let startupPeakRss = 0;
const startupSampler = setInterval(() => (startupPeakRss = Math.max(startupPeakRss, vmRss())), 500);
const { url, banner } = await new Promise<{ url: string; banner: string }>((ok, fail) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const m = /(http:\/\/[^\s]+\/)[\s\S]*Ctrl\+C/.exec(out);
    if (m) ok({ url: m[1]!, banner: out });
  });
  child.on('exit', (code) => fail(new Error(`dev exited ${code}`)));
});
clearInterval(startupSampler);
const started = Date.now();
const startupSeconds = (started - spawned) / 1000;
const filledIn = Number(/filled in: (\d+) events/.exec(banner)?.[1] ?? 0);

const config = (await (await fetch(`${url}api/config`)).json()) as { clock?: { wallAt: string; simulatedAt: string; speed: number } };
const clock = config.clock ? { wallAt: Date.parse(config.clock.wallAt), simulatedAt: Date.parse(config.clock.simulatedAt), speed: config.clock.speed } : null;
const releasedAt = (eventAt: number) => (clock ? clock.wallAt + (eventAt - clock.simulatedAt) / clock.speed : eventAt);

/** Dashboard push latencies with when they were seen. */
const push: Array<{ at: number; ms: number }> = [];
const stream = await fetch(`${url}api/stream`);
const reader = stream.body!.getReader();
const decoder = new TextDecoder();
void (async () => {
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) return;
    const now = Date.now();
    buf += decoder.decode(value, { stream: true });
    const blocks = buf.split('\n\n');
    buf = blocks.pop()!;
    for (const block of blocks) {
      if (!block.startsWith('event: agents')) continue;
      const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Array<{ lastEventAt: string | null }>;
      for (const a of data) if (a.lastEventAt) push.push({ at: now - started, ms: now - releasedAt(Date.parse(a.lastEventAt)) });
    }
  }
})();

type Latency = { p50: number; p99: number; max: number; batches?: number };
interface Health {
  events: number;
  ingest?: { events: number; latencyMs: Latency; lastMinuteMs: Latency };
  memory?: { heapUsedMb: number };
}
const health = async () => (await (await fetch(`${url}api/health`)).json()) as Health;

const samples: Array<{ at: number; mb: number; heapMb: number }> = [];
let firstMinute: Latency | undefined;
// every 5 s on the dot, so that the sample at 1:00 covers exactly the first minute
for (let tick = 1; tick * 5_000 <= minutes * MINUTE; tick++) {
  await new Promise((r) => setTimeout(r, Math.max(0, started + tick * 5_000 - Date.now())));
  const h = await health();
  const at = Date.now() - started;
  samples.push({ at, mb: Math.round(vmRss()), heapMb: h.memory?.heapUsedMb ?? 0 });
  if (!firstMinute && at >= MINUTE) firstMinute = h.ingest?.lastMinuteMs;
  if (samples.length % 6 === 0) process.stderr.write(`${(at / MINUTE).toFixed(2)} min: RSS ${samples.at(-1)!.mb} MB, JS heap ${samples.at(-1)!.heapMb} MB\n`);
}
const end = await health();
child.kill('SIGTERM');
await reader.cancel().catch(() => undefined);
SqliteStore.remove(db);

function quantiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { p50: Math.round(q(0.5)), p99: Math.round(q(0.99)), max: Math.round(sorted.at(-1) ?? 0) };
}
/** Least squares: one GC spike at either end does not decide it. */
function slopeOf(points: Array<{ at: number; mb: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const xs = points.map((p) => p.at / MINUTE);
  const sx = xs.reduce((a, x) => a + x, 0);
  const sy = points.reduce((a, p) => a + p.mb, 0);
  const sxx = xs.reduce((a, x) => a + x * x, 0);
  const sxy = points.reduce((a, p, i) => a + xs[i]! * p.mb, 0);
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
const runMs = minutes * MINUTE;
const inFirst = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at <= MINUTE);
const inLast = <T extends { at: number }>(xs: T[]) => xs.filter((x) => x.at > runMs - MINUTE);
const memory = (xs: typeof samples) => ({
  rssMaxMb: Math.max(...xs.map((s) => s.mb)),
  rssMedianMb: median(xs.map((s) => s.mb)),
  heapMaxMb: Math.max(...xs.map((s) => s.heapMb)),
});
const result = {
  bench: 'soak',
  date: new Date().toISOString(),
  machine: machine(),
  agents,
  speed,
  minutes,
  nodeFlags,
  startup: { seconds: Number(startupSeconds.toFixed(1)), filledInEvents: filledIn, peakRssMb: Math.round(startupPeakRss) },
  events: end.events,
  liveEventsPerSecond: Math.round((end.ingest?.events ?? 0) / (minutes * 60)),
  firstMinute: {
    eventToProjectionMs: firstMinute,
    dashboardPushMs: quantiles(inFirst(push).map((p) => p.ms)),
    ...memory(inFirst(samples)),
  },
  lastMinute: {
    eventToProjectionMs: end.ingest?.lastMinuteMs,
    dashboardPushMs: quantiles(inLast(push).map((p) => p.ms)),
    ...memory(inLast(samples)),
  },
  wholeRun: {
    eventToProjectionMs: end.ingest?.latencyMs,
    dashboardPushMs: { ...quantiles(push.map((p) => p.ms)), samples: push.length },
    ...memory(samples),
    rssSlopeMbPerMinute: Number(slopeOf(samples).toFixed(2)),
    heapSlopeMbPerMinute: Number(slopeOf(samples.map((s) => ({ at: s.at, mb: s.heapMb }))).toFixed(2)),
  },
};
console.log(JSON.stringify(result, null, 2));
const line = (name: string, m: (typeof result)['firstMinute']) =>
  `${name}: event->projection p50 ${m.eventToProjectionMs?.p50} p99 ${m.eventToProjectionMs?.p99} max ${m.eventToProjectionMs?.max} ms; push p50 ${m.dashboardPushMs.p50} p99 ${m.dashboardPushMs.p99} ms; RSS max ${m.rssMaxMb} MB (median ${m.rssMedianMb})`;
console.log(
  `\n${fmt(agents)} agents at ${speed}x for ${minutes} min: ${fmt(result.liveEventsPerSecond)} live events/s after a start-up of ${result.startup.seconds} s ` +
    `(${fmt(filledIn)} events filled in, peak RSS ${result.startup.peakRssMb} MB)\n${line('first minute', result.firstMinute)}\n${line('last minute', result.lastMinute)}\n` +
    `${line('whole run', result.wholeRun)}; RSS slope ${result.wholeRun.rssSlopeMbPerMinute} MB/min`,
);
process.exit(0);
