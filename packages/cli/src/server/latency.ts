/** Event-to-projection latency of the local runtime: the last samples, summarized on demand. */
export class LatencyStats {
  private readonly samples: number[] = [];
  private next = 0;
  batches = 0;
  events = 0;

  constructor(private readonly capacity = 10_000) {}

  /** `arrivedAt`: when the batch's oldest event reached the runtime; now: committed. */
  record(arrivedAt: number, events: number, now = Date.now()): void {
    const ms = now - arrivedAt;
    if (this.samples.length < this.capacity) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
    this.batches++;
    this.events += events;
  }

  summary(): { batches: number; events: number; latencyMs: { p50: number; p99: number; max: number } } {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { batches: this.batches, events: this.events, latencyMs: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 } };
  }
}
