/**
 * DynamoDB write requests per ingested event, counted (not timed) on DynamoDB
 * Local with simulated Connect traffic through the real Lambda handlers.
 *
 *   node scripts/run-ts.mjs bench/dynamodb-writes.ts [--events 10000] [--agents 25]
 *        [--ingest-batch N] [--stream-batch N] [--windows KINESIS,STREAM | --backlog] [--seed 1] [--json]
 *
 * By default the simulated traffic is batched as the deployed mappings batch
 * a live centre's (stacks/mappings.ts: batch sizes and batching windows, in
 * the simulator's time): Kinesis batches of up to 100 in 1 s, projection
 * batches of up to 1,000 in 10 s. --windows 1,1 sets other windows (seconds);
 * --backlog gives full batches of 100 projected one by one, without windows
 * (a backlog being caught up; what test/aws/writes.test.ts bounds).
 *
 * (suggested npm script: "bench:dynamodb": "node scripts/run-ts.mjs bench/dynamodb-writes.ts")
 * test/aws/writes.test.ts runs the same measurement on 10,000 events.
 */
import { startDynamoLocal } from '../test/support/dynamo-local.js';
import { measureWrites, report } from '../test/support/write-bench.js';
import { INGEST_BATCH, PROJECT_BATCH } from '../stacks/mappings.js';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}

const backlog = process.argv.includes('--backlog');

function windowsArg(): { ingestSeconds: number; streamSeconds: number } | undefined {
  const i = process.argv.indexOf('--windows');
  if (i < 0) return undefined;
  const [ingestSeconds, streamSeconds] = (process.argv[i + 1] ?? '').split(',').map(Number);
  if (!(ingestSeconds! > 0 && streamSeconds! > 0)) throw new Error('--windows wants two positive numbers of seconds, e.g. 1,1');
  return { ingestSeconds: ingestSeconds!, streamSeconds: streamSeconds! };
}

const local = await startDynamoLocal();
try {
  const result = await measureWrites(local, {
    events: arg('events'),
    agents: arg('agents'),
    seed: arg('seed'),
    ingestBatch: arg('ingest-batch') ?? (backlog ? undefined : INGEST_BATCH.size),
    streamBatch: arg('stream-batch') ?? (backlog ? undefined : PROJECT_BATCH.size),
    windows: backlog ? undefined : (windowsArg() ?? { ingestSeconds: INGEST_BATCH.windowSeconds, streamSeconds: PROJECT_BATCH.windowSeconds }),
  });
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(result, null, 2)}\n` : `${report(result)}\n`);
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await local.stop();
}
