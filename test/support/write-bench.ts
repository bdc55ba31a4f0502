/**
 * Counts DynamoDB write requests per ingested event on DynamoDB Local:
 * simulated Connect traffic through the real ingest and project handlers
 * (Kinesis batches in, the event table's stream out), SDK middleware counting
 * every write call, item and reported capacity unit. Used by
 * bench/dynamodb-writes.ts and test/aws/writes.test.ts.
 */
import type { DynamoDBStreamEvent, KinesisStreamEvent } from 'aws-lambda';
import { eventStreamArn } from '@switchboard/core/dynamodb';
import { parseRules } from '@switchboard/core';
import { simulate } from '../../packages/cli/src/simulator/index.js';
import { startDynamoLocal, type DynamoLocal } from './dynamo-local.js';
import { countWrites, lambdaContext, StreamReader, streamEvents, type WriteCounts } from './lambda.js';
import { kinesisEvent } from './payloads.js';

type SimulatedRecord = ReturnType<typeof simulate> extends Iterable<infer R> ? R : never;
type StreamRecords = Awaited<ReturnType<StreamReader['read']>>;

export interface WriteBenchOptions {
  events?: number;
  agents?: number;
  seed?: number;
  /** records per ingest invocation (the Kinesis event source mapping's batch size) */
  ingestBatch?: number;
  /** records per project invocation (the DynamoDB stream mapping's batch size) */
  streamBatch?: number;
  /**
   * Batching windows in seconds of simulated time, as the event source
   * mappings' MaximumBatchingWindowInSeconds: an invocation gets what arrived
   * within the window that its first record opened (at most the batch size).
   * Without them, every Kinesis batch holds `ingestBatch` records and is
   * projected on its own: the traffic of a backlog, not of a live centre.
   */
  windows?: { ingestSeconds: number; streamSeconds: number };
}

export interface PhaseResult {
  calls: number;
  items: number;
  capacity: number;
  attempts: number;
  callsPerEvent: number;
  itemsPerEvent: number;
  capacityPerEvent: number;
  readCallsPerEvent: number;
  readCapacityPerEvent: number;
  byCommand: WriteCounts['byCommand'];
  /** write requests per event by what they write */
  byKind: Record<string, number>;
}

export interface WriteBenchResult {
  events: number;
  agentEvents: number;
  contactRecords: number;
  agents: number;
  ingestBatch: number;
  streamBatch: number;
  windows: { ingestSeconds: number; streamSeconds: number } | null;
  /** records per project invocation, on average */
  recordsPerProjectBatch: number;
  ingest: PhaseResult;
  project: PhaseResult;
  total: PhaseResult;
}

function phase(c: WriteCounts, events: number): PhaseResult {
  const r = (n: number) => Math.round((n / events) * 1000) / 1000;
  return {
    calls: c.calls,
    items: c.items,
    capacity: c.capacity,
    attempts: c.attempts,
    callsPerEvent: r(c.calls),
    itemsPerEvent: r(c.items),
    capacityPerEvent: r(c.capacity),
    readCallsPerEvent: r(c.reads.calls),
    readCapacityPerEvent: r(c.reads.capacity),
    byCommand: structuredClone(c.byCommand),
    byKind: Object.fromEntries(Object.entries(c.byKind).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, r(v)])),
  };
}

function add(a: WriteCounts, b: WriteCounts): WriteCounts {
  const byCommand: WriteCounts['byCommand'] = structuredClone(a.byCommand);
  for (const [k, v] of Object.entries(b.byCommand)) {
    const e = (byCommand[k] ??= { calls: 0, items: 0, capacity: 0 });
    e.calls += v.calls;
    e.items += v.items;
    e.capacity += v.capacity;
  }
  const byKind = { ...a.byKind };
  for (const [k, v] of Object.entries(b.byKind)) byKind[k] = (byKind[k] ?? 0) + v;
  return {
    byKind,
    calls: a.calls + b.calls,
    items: a.items + b.items,
    capacity: a.capacity + b.capacity,
    attempts: a.attempts + b.attempts,
    reads: { calls: a.reads.calls + b.reads.calls, capacity: a.reads.capacity + b.reads.capacity },
    byCommand,
  };
}

/** Runs the measurement against a started DynamoDB Local. */
export async function measureWrites(local: DynamoLocal, options: WriteBenchOptions = {}): Promise<WriteBenchResult> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX ??= 'unused-';
  const { handler: ingest } = await import('../../packages/functions/src/ingest.js');
  const { handler: project } = await import('../../packages/functions/src/project.js');
  const { configureRuntime } = await import('../../packages/functions/src/shared/runtime.js');

  const n = options.events ?? 10_000;
  const ingestBatch = options.ingestBatch ?? 100;
  const streamBatch = options.streamBatch ?? 100;
  const agents = options.agents ?? 25;
  const sim: SimulatedRecord[] = [];
  for (const e of simulate({ agents, hours: 24, seed: options.seed ?? 1 })) {
    sim.push(e);
    if (sim.length >= n) break;
  }
  const tables = await local.createTables();
  const ingestClient = local.client();
  const projectClient = local.client();
  const ingestCount = countWrites(ingestClient);
  const projectCount = countWrites(projectClient);
  const reader = new StreamReader(local.streams(), await eventStreamArn(ingestClient, tables));
  const rules = parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: { holdSeconds: 60, afterContactWorkSeconds: 120 } });
  const config = { tables, rules, busName: null, timestream: null };
  const ingestRuntime = () => configureRuntime({ dynamo: ingestClient, config, store: { generationCacheMs: 60_000 } });
  const projectRuntime = () => configureRuntime({ dynamo: projectClient, config, store: { generationCacheMs: 60_000 } });

  let projectBatches = 0;
  let projected = 0;
  const ingestRecords = async (slice: SimulatedRecord[], first: number) => {
    const batch: KinesisStreamEvent = kinesisEvent(
      slice.map((e) => e.payload),
      { firstSequence: 49_000_000_000_000_000_000n + BigInt(first) },
    );
    ingestRuntime();
    const res = await ingest(batch, lambdaContext('ingest'));
    if (res.batchItemFailures.length > 0) throw new Error(`ingest reported failures: ${JSON.stringify(res.batchItemFailures)}`);
  };
  const projectRecords = async (records: StreamRecords) => {
    projectRuntime();
    for (const event of streamEvents(records, streamBatch) as DynamoDBStreamEvent[]) {
      await project(event, lambdaContext('project'));
      projectBatches++;
      projected += event.Records.length;
    }
  };
  const windows = options.windows ?? null;
  if (!windows) {
    for (let i = 0; i < sim.length; i += ingestBatch) {
      await ingestRecords(sim.slice(i, i + ingestBatch), i);
      await projectRecords(await reader.read());
    }
  } else {
    // the stream's records wait for the project window their first record opened; Kinesis's for theirs
    // (a window that fills its batch early is cut at its end all the same: exact below batch size / window records a second)
    let pending: StreamRecords = [];
    let streamWindowEnd = -Infinity;
    for (let i = 0; i < sim.length; ) {
      const start = sim[i]!.at;
      let end = i;
      while (end < sim.length && end - i < ingestBatch && sim[end]!.at < start + windows.ingestSeconds * 1000) end++;
      if (pending.length > 0 && start >= streamWindowEnd) {
        await projectRecords(pending);
        pending = [];
      }
      await ingestRecords(sim.slice(i, end), i);
      const records = await reader.read();
      if (pending.length === 0 && records.length > 0) streamWindowEnd = start + windows.streamSeconds * 1000;
      pending.push(...records);
      i = end;
    }
    if (pending.length > 0) await projectRecords(pending);
  }
  const events = sim.length;
  return {
    events,
    agentEvents: sim.filter((e) => e.kind === 'agent').length,
    contactRecords: sim.filter((e) => e.kind === 'contact').length,
    agents,
    ingestBatch,
    streamBatch,
    windows,
    recordsPerProjectBatch: Math.round((projected / Math.max(1, projectBatches)) * 10) / 10,
    ingest: phase(ingestCount.counts, events),
    project: phase(projectCount.counts, events),
    total: phase(add(ingestCount.counts, projectCount.counts), events),
  };
}

export function report(r: WriteBenchResult): string {
  const lines = [
    `DynamoDB writes for ${r.events} events (${r.agentEvents} agent events, ${r.contactRecords} contact records; ${r.agents} agents;`,
    `Kinesis batches of ${r.ingestBatch}, stream batches of ${r.streamBatch}${r.windows ? `, batching windows of ${r.windows.ingestSeconds} s (Kinesis) and ${r.windows.streamSeconds} s (stream) in simulated time` : ''}; ${r.recordsPerProjectBatch} records per project invocation):`,
    '',
    '          ---------- writes per event ----------   ---- reads per event ----',
    'phase     calls  items (write requests)  write units   calls  read units',
  ];
  for (const [name, p] of [['ingest', r.ingest], ['project', r.project], ['total', r.total]] as const) {
    lines.push(
      `${name.padEnd(9)} ${String(p.callsPerEvent).padStart(5)}  ${String(p.itemsPerEvent).padStart(22)}  ${String(p.capacityPerEvent).padStart(11)}   ${String(p.readCallsPerEvent).padStart(5)}  ${String(p.readCapacityPerEvent).padStart(10)}`,
    );
  }
  lines.push('', 'by command (calls / items / capacity):');
  for (const [k, v] of Object.entries(r.total.byCommand)) lines.push(`  ${k.padEnd(16)} ${v.calls} / ${v.items} / ${v.capacity}`);
  for (const [name, p] of [['ingest', r.ingest], ['project', r.project]] as const) {
    lines.push(`${name} write requests per event by item: ${Object.entries(p.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return lines.join('\n');
}

