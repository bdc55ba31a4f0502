import cliProgress from 'cli-progress';

/** A progress bar with a rate on stderr, only when stderr is a terminal. */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly started = Date.now();

  constructor(label: string, total: number, unit: string) {
    if (!process.stderr.isTTY || total <= 0) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { events: 0, rate: 0, unit });
  }

  update(value: number, events: number): void {
    if (!this.bar) return;
    const seconds = (Date.now() - this.started) / 1000;
    this.bar.update(value, { events, rate: seconds > 0 ? Math.round(events / seconds) : 0 });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
