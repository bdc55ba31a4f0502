import { describe, expect, it } from 'vitest';
import { LatencyStats } from '../src/server/latency.js';

describe('event-to-projection latency of the local runtime', () => {
  it('given batches over two minutes, then the last minute is summarized apart from the whole', () => {
    const stats = new LatencyStats();
    const t0 = 1_000_000;
    for (let i = 0; i < 60; i++) stats.record(t0 + i * 1_000 - 3_000, 10, t0 + i * 1_000); // first minute: 3 s each
    for (let i = 60; i < 120; i++) stats.record(t0 + i * 1_000 - 100 - i, 10, t0 + i * 1_000); // then 160-219 ms
    const s = stats.summary(t0 + 119_500);
    expect(s).toMatchObject({ batches: 120, events: 1_200 });
    expect(s.latencyMs.max).toBe(3_000);
    expect(s.lastMinuteMs).toEqual({ p50: 190, p99: 219, max: 219, batches: 60 });
  });

  it('given more batches than it keeps, then the oldest are forgotten', () => {
    const stats = new LatencyStats(3);
    for (const ms of [900, 1, 2, 3]) stats.record(0, 1, ms);
    expect(stats.summary(10).latencyMs).toEqual({ p50: 2, p99: 3, max: 3 });
  });
});
