import { CliError, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { Progress } from '../progress.js';
import { DEFAULT_START, putToKinesis, simulate, writeSimulation, type SimEvent } from '../simulator/index.js';

export interface SimulateOptions extends GlobalOptions {
  agents?: string;
  hours?: string;
  seed?: string;
  start?: string;
  out?: string;
  format?: 'jsonl' | 'kinesis';
  kinesisStream?: string;
  endpoint?: string;
  region?: string;
}

const HOUR_MS = 3_600_000;
/** Events between two progress updates: cheap enough to leave on. */
const PROGRESS_EVERY = 4096;

function number(name: string, value: string | undefined, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new CliError(`--${name} has an invalid value "${value}"`, 2);
  return n;
}

export async function simulateCommand(options: SimulateOptions): Promise<void> {
  const start = options.start === undefined ? undefined : Date.parse(options.start);
  if (start !== undefined && !Number.isFinite(start)) throw new CliError(`--start must be an ISO-8601 time (got "${options.start}")`, 2);
  const toStdout = !options.out && !options.kinesisStream;
  if (options.json && toStdout) {
    throw new CliError('--json needs --out or --kinesis-stream: without them, standard output carries the events', 2);
  }
  const agents = number('agents', options.agents, (n) => Number.isInteger(n) && n > 0) ?? 25;
  const hours = number('hours', options.hours, (n) => n > 0) ?? 8;
  const events = simulate({ agents, hours, seed: number('seed', options.seed, Number.isInteger), start });

  const first = start ?? DEFAULT_START;
  const progress = new Progress('simulate', hours * HOUR_MS, { unit: 'events' });
  const tracked = withProgress(events, (e, n) => progress.update(e.at - first, n));
  try {
    if (options.kinesisStream) {
      const put = await putToKinesis(tracked, { streamName: options.kinesisStream, endpoint: options.endpoint, region: options.region });
      progress.stop();
      if (options.json) return printJson(put);
      const retried = put.retried > 0 ? `, ${put.retried.toLocaleString('en-US')} retried after throttling` : '';
      say(`put ${put.records.toLocaleString('en-US')} records in ${put.requests.toLocaleString('en-US')} requests to Kinesis stream ${options.kinesisStream}${retried}`);
      return;
    }
    const written = await writeSimulation(tracked, options.out ?? '-', { format: options.format ?? 'jsonl' });
    progress.stop();
    if (options.json) return printJson(written);
    const size = `${(written.bytes / 2 ** 20).toFixed(1)} MB${options.out?.endsWith('.gz') ? ' before compression' : ''}`;
    const what = `${agents} agents for ${hours} h: ${written.events.toLocaleString('en-US')} events (${size})`;
    // The events are on standard output: the summary goes to a person at a terminal, or nowhere.
    if (toStdout) {
      if (process.stderr.isTTY) process.stderr.write(`simulated ${what} in ${progress.seconds().toFixed(1)} s\n`);
    } else say(`simulated ${what} in ${progress.seconds().toFixed(1)} s, written to ${options.out}`);
  } finally {
    progress.stop();
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function* withProgress(events: Iterable<SimEvent>, update: (e: SimEvent, count: number) => void): Generator<SimEvent> {
  let n = 0;
  for (const e of events) {
    if (++n % PROGRESS_EVERY === 0) update(e, n);
    yield e;
  }
}
