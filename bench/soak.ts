/**
 * Load and soak of the local runtime: `switchboard dev` with many simulated
 * agents, sped up, for some minutes. Measures event-to-projection latency (from
 * /api/health), dashboard push latency (an SSE client compares when an agent's
 * change arrives with when its event was released), and the runtime's memory
 * over time (VmRSS of the process, sampled every 10 s).
 *
 *   npm run bench:soak -- --agents 2000 --speed 10 --minutes 10
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
const warmupMs = Math.min(60_000, (minutes * 60_000) / 5);

const db = join(tmpdir(), `switchboard-soak-${process.pid}.db`);
const child = spawn(process.execPath, ['packages/cli/bin/switchboard.mjs', '--db', db, 'dev', '--port', '0', '--agents', String(agents), '--speed', String(speed), '--seed', '9'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((ok, fail) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const m = /(http:\/\/[^\s]+\/)/.exec(out);
    if (m) ok(m[1]!);
  });
  child.on('exit', (code) => fail(new Error(`dev exited ${code}`)));
});

const config = (await (await fetch(`${url}api/config`)).json()) as { clock?: { wallAt: string; simulatedAt: string; speed: number } };
const clock = config.clock ? { wallAt: Date.parse(config.clock.wallAt), simulatedAt: Date.parse(config.clock.simulatedAt), speed: config.clock.speed } : null;
const releasedAt = (eventAt: number) => (clock ? clock.wallAt + (eventAt - clock.simulatedAt) / clock.speed : eventAt);

const started = Date.now();
const push: number[] = [];
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
    if (now - started < warmupMs) continue;
    for (const block of blocks) {
      if (!block.startsWith('event: agents')) continue;
      const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Array<{ lastEventAt: string | null }>;
      for (const a of data) if (a.lastEventAt) push.push(now - releasedAt(Date.parse(a.lastEventAt)));
    }
  }
})();

const rss: Array<{ minute: number; mb: number; heapMb: number }> = [];
const vmRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
while (Date.now() - started < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, 10_000));
  const h = (await (await fetch(`${url}api/health`)).json()) as { memory?: { heapUsedMb: number } };
  rss.push({ minute: Number(((Date.now() - started) / 60_000).toFixed(2)), mb: Math.round(vmRss()), heapMb: h.memory?.heapUsedMb ?? 0 });
  process.stderr.write(`${rss.at(-1)!.minute} min: RSS ${rss.at(-1)!.mb} MB, JS heap ${rss.at(-1)!.heapMb} MB\n`);
}
const health = (await (await fetch(`${url}api/health`)).json()) as {
  events: number;
  ingest?: { events: number; latencyMs: { p50: number; p99: number; max: number } };
};
child.kill('SIGTERM');
await reader.cancel().catch(() => undefined);
SqliteStore.remove(db);

const sorted = [...push].sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const steady = rss.filter((r) => r.minute * 60_000 >= warmupMs);
/** Least squares over the steady samples: one GC spike at either end does not decide it. */
function slopeOf(points: Array<{ minute: number; mb: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const sx = points.reduce((a, p) => a + p.minute, 0);
  const sy = points.reduce((a, p) => a + p.mb, 0);
  const sxx = points.reduce((a, p) => a + p.minute * p.minute, 0);
  const sxy = points.reduce((a, p) => a + p.minute * p.mb, 0);
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
const slope = slopeOf(steady);
const third = Math.max(1, Math.floor(steady.length / 3));
const result = {
  bench: 'soak',
  date: new Date().toISOString(),
  machine: machine(),
  agents,
  speed,
  minutes,
  events: health.events,
  eventsPerSecond: Math.round(health.events / (minutes * 60)),
  eventToProjectionMs: health.ingest?.latencyMs,
  dashboardPushMs: { p50: Math.round(q(0.5)), p99: Math.round(q(0.99)), samples: sorted.length },
  rssMb: {
    afterWarmup: steady[0]?.mb,
    end: steady.at(-1)?.mb,
    max: Math.max(...steady.map((r) => r.mb)),
    medianFirstThird: median(steady.slice(0, third).map((r) => r.mb)),
    medianLastThird: median(steady.slice(-third).map((r) => r.mb)),
    slopeMbPerMinute: Number(slope.toFixed(2)),
    heapSlopeMbPerMinute: Number(slopeOf(steady.map((r) => ({ minute: r.minute, mb: r.heapMb }))).toFixed(2)),
    heapMedianFirstThird: median(steady.slice(0, third).map((r) => r.heapMb)),
    heapMedianLastThird: median(steady.slice(-third).map((r) => r.heapMb)),
  },
};
console.log(JSON.stringify(result, null, 2));
console.log(`\n${fmt(agents)} agents at ${speed}x for ${minutes} min: ${fmt(result.eventsPerSecond)} events/s; event->projection p50 ${result.eventToProjectionMs?.p50} ms p99 ${result.eventToProjectionMs?.p99} ms; push p50 ${result.dashboardPushMs.p50} ms p99 ${result.dashboardPushMs.p99} ms; RSS median ${result.rssMb.medianFirstThird} MB (first third) -> ${result.rssMb.medianLastThird} MB (last third), slope ${result.rssMb.slopeMbPerMinute} MB/min`);
process.exit(0);
