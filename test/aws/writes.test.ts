/**
 * DynamoDB write requests per ingested event on realistic 10,000-event runs
 * (simulated agent events, contact records and contact events through the
 * ingest and project handlers on DynamoDB Local). Counted, not timed. About
 * four in ten of the simulator's events are contact events, and each one that
 * changes a contact rewrites that contact's queue document (the events of one
 * contact arrive minutes apart, in different batches): the queue projection
 * costs about 0.25-0.37 write requests per event of this mix. The figures, with
 * a breakdown by what is written, are printed;
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

it('stays within 1.75 DynamoDB write requests per ingested event on 10,000 events with 25 agents', async () => {
  const result = await measureWrites(local, { events: 10_000, agents: 25, ingestBatch: 100, streamBatch: 100 });
  process.stdout.write(`${report(result)}\n`);
  expect(result.events).toBe(10_000);
  expect(result.ingest.itemsPerEvent).toBeLessThanOrEqual(1.05); // one conditional put each, plus counters
  // measured 1.739 requests, 1.648 calls, 3.283 units (counts: deterministic for a seed)
  expect(result.total.itemsPerEvent).toBeLessThanOrEqual(1.75);
  expect(result.total.callsPerEvent).toBeLessThanOrEqual(1.66);
  expect(result.total.capacityPerEvent).toBeLessThanOrEqual(3.29);
}, 600_000);

it('stays within 2.06 DynamoDB write requests (3.71 write units) per ingested event on 10,000 events with 1,000 agents', async () => {
  // a batch rarely holds two events of one agent: the agent's outputs ride in its record's tail
  const result = await measureWrites(local, { events: 10_000, agents: 1000, ingestBatch: 100, streamBatch: 100 });
  process.stdout.write(`${report(result)}\n`);
  expect(result.ingest.itemsPerEvent).toBeLessThanOrEqual(1.05);
  // measured 1.041 (project), 2.049 requests, 3.705 units (queue documents gzipped into one unit, compact facts)
  expect(result.project.itemsPerEvent).toBeLessThanOrEqual(1.05);
  expect(result.total.itemsPerEvent).toBeLessThanOrEqual(2.06);
  expect(result.total.capacityPerEvent).toBeLessThanOrEqual(3.71);
  // the filed-time ranges of the generation item change once a day, not with every batch
  expect(result.project.byKind['projections:gen'] ?? 0).toBeLessThanOrEqual(0.002);
}, 600_000);
