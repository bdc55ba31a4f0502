export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

/** Event-to-projection latency of the local runtime: the last samples, summarized on demand. */
export class LatencyStats {
  private readonly samples: number[] = [];
  /** when each sample was recorded */
  private readonly times: number[] = [];
  private next = 0;
  batches = 0;
  events = 0;

  constructor(private readonly capacity = 10_000) {}

  /** `arrivedAt`: when the batch's oldest event reached the runtime; now: committed. */
  record(arrivedAt: number, events: number, now = Date.now()): void {
    this.samples[this.next] = now - arrivedAt;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.capacity;
    this.batches++;
    this.events += events;
  }

  /** Over the last samples, and over the batches committed in the last minute alone. */
  summary(now = Date.now()): { batches: number; events: number; latencyMs: LatencySummary; lastMinuteMs: LatencySummary & { batches: number } } {
    const lastMinute = this.samples.filter((_, i) => this.times[i]! > now - 60_000);
    return { batches: this.batches, events: this.events, latencyMs: percentiles(this.samples), lastMinuteMs: { ...percentiles(lastMinute), batches: lastMinute.length } };
  }
}

function percentiles(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}
