import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** what is counted: "records", "events" */
  unit: string;
  /** where progress goes; default standard error */
  stream?: NodeJS.WriteStream;
  /** when `stream` is not a terminal: a line this often (ms); default 10 s */
  lineEveryMs?: number;
  /** the clock, for tests */
  now?: () => number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Progress of a long command. On a terminal: a bar with a rate and an ETA.
 * Otherwise (a log, CI): one line every `lineEveryMs`, so a long run is never
 * silent. `total` is in the unit of `value` (bytes read, simulated ms);
 * 0 when unknown (no percentage then).
 */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly stream: NodeJS.WriteStream;
  private readonly now: () => number;
  private readonly started: number;
  private readonly lineEveryMs: number;
  private nextLine: number;
  private counted = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly options: ProgressOptions,
  ) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.lineEveryMs = options.lineEveryMs ?? 10_000;
    this.nextLine = this.started + this.lineEveryMs;
    if (!this.stream.isTTY || total <= 0) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${label} [{bar}] {percentage}% | {count} ${options.unit} | {rate} ${options.unit}/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { count: 0, rate: 0 });
    // ended early (a closed pipe, Ctrl+C): give the terminal its cursor back
    process.once('exit', this.stopOnExit);
  }

  private readonly stopOnExit = (): void => this.stop();

  /** `value` of `total` done, `counted` units so far. */
  update(value: number, counted: number): void {
    this.counted = counted;
    if (this.bar) {
      this.bar.update(Math.min(value, this.total), { count: count(counted), rate: count(this.rate()) });
      return;
    }
    const t = this.now();
    if (t < this.nextLine) return;
    this.nextLine = t + this.lineEveryMs;
    const share = this.total > 0 ? ` ${Math.min(100, Math.floor((100 * value) / this.total))}% ·` : '';
    this.stream.write(`switchboard: ${this.label}:${share} ${count(counted)} ${this.options.unit} · ${count(this.rate())} ${this.options.unit}/s\n`);
  }

  /** Units per second since the start. */
  rate(): number {
    const seconds = this.seconds();
    return seconds > 0 ? this.counted / seconds : 0;
  }

  seconds(): number {
    return (this.now() - this.started) / 1000;
  }

  stop(): void {
    if (!this.bar) return;
    this.bar.stop();
    this.bar = null;
    process.removeListener('exit', this.stopOnExit);
  }
}
