/**
 * DynamoDB write requests per ingested event on realistic 10,000-event runs
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

it('stays within 1.6 DynamoDB write requests per ingested event on 10,000 events with 25 agents', async () => {
  const result = await measureWrites(local, { events: 10_000, agents: 25, ingestBatch: 100, streamBatch: 100 });
  process.stdout.write(`${report(result)}\n`);
  expect(result.events).toBe(10_000);
  expect(result.ingest.itemsPerEvent).toBeLessThanOrEqual(1.05); // one conditional put each, plus counters
  expect(result.total.itemsPerEvent).toBeLessThanOrEqual(1.6);
  expect(result.total.callsPerEvent).toBeLessThanOrEqual(1.5);
  expect(result.total.capacityPerEvent).toBeLessThanOrEqual(2.9);
}, 600_000);

it('stays within 1.8 DynamoDB write requests (2.9 write units) per ingested event on 10,000 events with 1,000 agents', async () => {
  // a batch rarely holds two events of one agent: the agent's outputs ride in its record's tail
  const result = await measureWrites(local, { events: 10_000, agents: 1000, ingestBatch: 100, streamBatch: 100 });
  process.stdout.write(`${report(result)}\n`);
  expect(result.ingest.itemsPerEvent).toBeLessThanOrEqual(1.05);
  expect(result.project.itemsPerEvent).toBeLessThanOrEqual(0.75);
  expect(result.total.itemsPerEvent).toBeLessThanOrEqual(1.8);
  expect(result.total.capacityPerEvent).toBeLessThanOrEqual(2.9);
}, 600_000);
