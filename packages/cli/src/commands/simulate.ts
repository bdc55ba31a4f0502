import { CliError, type GlobalOptions } from '../context.js';
import { putToKinesis, simulate, writeSimulation } from '../simulator/index.js';

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

function number(name: string, value: string | undefined, check: (n: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new CliError(`--${name} has an invalid value "${value}"`, 2);
  return n;
}

export async function simulateCommand(options: SimulateOptions): Promise<void> {
  const start = options.start === undefined ? undefined : Date.parse(options.start);
  if (start !== undefined && !Number.isFinite(start)) throw new CliError(`--start must be an ISO-8601 time (got "${options.start}")`, 2);
  const events = simulate({
    agents: number('agents', options.agents, (n) => Number.isInteger(n) && n > 0),
    hours: number('hours', options.hours, (n) => n > 0),
    seed: number('seed', options.seed, Number.isInteger),
    start,
  });
  if (options.kinesisStream) {
    const summary = await putToKinesis(events, { streamName: options.kinesisStream, endpoint: options.endpoint, region: options.region });
    process.stderr.write(`put ${JSON.stringify(summary)} to Kinesis stream ${options.kinesisStream}\n`);
    return;
  }
  const summary = await writeSimulation(events, options.out ?? '-', { format: options.format ?? 'jsonl' });
  if (options.out) process.stderr.write(`wrote ${JSON.stringify(summary)} to ${options.out}\n`);
}
