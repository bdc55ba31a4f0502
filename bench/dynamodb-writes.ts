/**
 * DynamoDB write requests per ingested event, counted (not timed) on DynamoDB
 * Local with simulated Connect traffic through the real Lambda handlers.
 *
 *   node scripts/run-ts.mjs bench/dynamodb-writes.ts [--events 10000] [--agents 25]
 *        [--ingest-batch 100] [--stream-batch 100] [--seed 1] [--json]
 *
 * (suggested npm script: "bench:dynamodb": "node scripts/run-ts.mjs bench/dynamodb-writes.ts")
 * test/aws/writes.test.ts runs the same measurement on 10,000 events.
 */
import { startDynamoLocal } from '../test/support/dynamo-local.js';
import { measureWrites, report } from '../test/support/write-bench.js';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}

const local = await startDynamoLocal();
try {
  const result = await measureWrites(local, {
    events: arg('events'),
    agents: arg('agents'),
    seed: arg('seed'),
    ingestBatch: arg('ingest-batch'),
    streamBatch: arg('stream-batch'),
  });
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(result, null, 2)}\n` : `${report(result)}\n`);
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await local.stop();
}
