/**
 * DynamoDB write requests per ingested event on a realistic 10,000-event run
 * (simulated agents and contact records through the ingest and project
 * handlers on DynamoDB Local). Counted, not timed. The figures are printed;
 * bench/dynamodb-writes.ts runs the same measurement with options.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { measureWrites, report } from '../support/write-bench.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX = 'unused-';
});

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

it('stays within 2 DynamoDB write requests per ingested event on 10,000 events', async () => {
  const result = await measureWrites(local, { events: 10_000, agents: 25, ingestBatch: 100, streamBatch: 100 });
  process.stdout.write(`${report(result)}\n`);
  expect(result.events).toBe(10_000);
  expect(result.ingest.itemsPerEvent).toBeLessThanOrEqual(1.05); // one conditional put each, plus counters
  expect(result.total.itemsPerEvent).toBeLessThanOrEqual(2);
  expect(result.total.callsPerEvent).toBeLessThanOrEqual(2);
}, 600_000);
