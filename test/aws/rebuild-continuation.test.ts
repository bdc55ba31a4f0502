/**
 * A rebuild that cannot finish in one invocation continues from a checkpoint
 * (DynamoDB Local): with a tiny time budget it stops after a stream, saves a
 * checkpoint on the generation it builds, and the next step continues there;
 * readers see the old generation until the last step switches; the result
 * equals a one-shot rebuild. The Rebuild function invokes itself (the Lambda
 * API is mocked: there is no local Lambda) after releasing its lease.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX = 'unused-';
});

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handleApi, parseRules, rebuildProjections, rebuildStep } from '@switchboard/core';
import { eventStreamArn } from '@switchboard/core/dynamodb';
import { simulate } from '../../packages/cli/src/simulator/index.js';
import { handler as ingest } from '../../packages/functions/src/ingest.js';
import { handler as project } from '../../packages/functions/src/project.js';
import { handler as rebuild } from '../../packages/functions/src/rebuild.js';
import { configureRuntime, runtime } from '../../packages/functions/src/shared/runtime.js';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { lambdaContext, StreamReader, streamEvents } from '../support/lambda.js';
import { kinesisEvent } from '../support/payloads.js';

const RULES = parseRules({ timezone: 'Asia/Tokyo' });
const lambda = mockClient(LambdaClient);

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});
beforeEach(() => {
  lambda.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

/** Fresh tables with simulated traffic (several agents, their contacts), ingested and projected through the handlers. */
async function loadedTables(): Promise<void> {
  const tables = await local.createTables();
  const client = local.client({ maxAttempts: 2 });
  configureRuntime({
    dynamo: client,
    lambda: new LambdaClient({ region: 'us-east-1' }),
    store: { settleMs: 0, generationCacheMs: 0, retry: { baseDelayMs: 1 } },
    config: { tables, rules: RULES, busName: null },
  });
  const payloads = [...simulate({ agents: 5, hours: 1, seed: 3 })].map((e) => e.payload);
  const reader = new StreamReader(local.streams(), await eventStreamArn(client, tables));
  for (let i = 0; i < payloads.length; i += 100) {
    expect(await ingest(kinesisEvent(payloads.slice(i, i + 100), { firstSequence: 49_000_000_000_000_000_000n + BigInt(i) }), lambdaContext('ingest'))).toEqual({
      batchItemFailures: [],
    });
    for (const e of streamEvents(await reader.read())) await project(e, lambdaContext('project'));
  }
}

async function views(): Promise<unknown> {
  const rt = runtime();
  const projections = await rt.store.current();
  const out: Record<string, unknown> = { generation: projections.generation };
  for (const path of ['/api/agents', '/api/intervals', '/api/report', '/api/contacts', '/api/funnel']) {
    out[path] = (await handleApi({ projections, events: rt.store, rules: RULES }, 'GET', path, new URLSearchParams())).body;
  }
  return out;
}

const withoutGeneration = (v: unknown) => ({ ...(v as Record<string, unknown>), generation: undefined });

describe('a rebuild continued from checkpoints', () => {
  it('stops after a stream when its time is up, continues there, stays invisible until it switches, and equals a one-shot rebuild', async () => {
    await loadedTables();
    const store = runtime().store;
    const before = await views();
    const oneShot = await rebuildProjections(store, RULES);
    const expected = await views();
    expect(withoutGeneration(expected)).toEqual(withoutGeneration(before));

    let steps = 0;
    let step;
    do {
      // no time at all: every step replays one stream, then saves its checkpoint
      step = await rebuildStep(store, RULES, undefined, { deadline: Date.now() });
      steps++;
      if (!step.finished) {
        expect(await views()).toEqual(expected); // the generation being built is not visible
        const pending = await store.pendingRebuild();
        expect(pending?.checkpoint).toMatchObject({ generation: oneShot.generation + 1, rulesHash: oneShot.rulesHash, built: { events: step.summary.events } });
      }
    } while (!step.finished && steps < 500);
    expect(step.finished).toBe(true);
    expect(steps).toBeGreaterThan(5);
    expect(step.summary).toEqual({ ...oneShot, generation: oneShot.generation + 1 });
    expect(await store.pendingRebuild()).toBeNull();
    const after = await views();
    expect(after).toMatchObject({ generation: oneShot.generation + 1 });
    expect(withoutGeneration(after)).toEqual(withoutGeneration(expected));
  }, 300_000);

  it('a checkpoint of other rules is dropped: the next rebuild begins afresh', async () => {
    await loadedTables();
    const store = runtime().store;
    const stopped = await rebuildStep(store, RULES, undefined, { deadline: Date.now() });
    expect(stopped.finished).toBe(false);
    const other = parseRules({ timezone: 'UTC' });
    const fresh = await rebuildStep(store, other, undefined, { deadline: Date.now() + 600_000 });
    expect(fresh).toMatchObject({ finished: true, summary: { generation: stopped.summary.generation + 1 } });
    expect(await store.pendingRebuild()).toBeNull();
  }, 300_000);

  it('the Rebuild function invokes itself asynchronously until the rebuild is done, releasing its lease each time', async () => {
    await loadedTables();
    const expected = withoutGeneration(await views());
    const context = (n: number) => ({
      ...lambdaContext('rebuild'),
      awsRequestId: `step-${n}`,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:switchboard-Rebuild',
      getRemainingTimeInMillis: () => 8, // a deadline already past: one stream an invocation
    });
    let n = 0;
    let out = await rebuild({}, context(n));
    while (out.status === 'continues' && n < 500) {
      // what Lambda does with the asynchronous invocation: run the function again
      expect(lambda.commandCalls(InvokeCommand).at(-1)!.args[0].input).toEqual({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:switchboard-Rebuild',
        InvocationType: 'Event',
        Payload: JSON.stringify({ continue: out.generation }),
      });
      out = await rebuild({}, context(++n));
    }
    expect(out).toMatchObject({ status: 'done', generation: 2 });
    expect(n).toBeGreaterThan(5);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(n);
    expect(withoutGeneration(await views())).toEqual(expected);
  }, 300_000);
});
