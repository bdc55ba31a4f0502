/**
 * One rebuild at a time, through a lease item in the ledger (conditional
 * updates, expiry, heartbeat, release) on DynamoDB Local: concurrent Rebuild
 * invocations, a holder that died, a holder that lost its lease.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.SWITCHBOARD_TABLE_PREFIX = 'unused-';
});

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handleApi, LeaseHeldError, LeaseLostError, parseRules, REBUILD_LEASE, withLease } from '@switchboard/core';
import { DynamoLeases, eventStreamArn, type TableNames } from '@switchboard/core/dynamodb';
import { handler as ingest } from '../../packages/functions/src/ingest.js';
import { handler as project } from '../../packages/functions/src/project.js';
import { handler as rebuild } from '../../packages/functions/src/rebuild.js';
import { rebuildUnderLease } from '../../packages/functions/src/shared/rebuild.js';
import { configureRuntime, runtime } from '../../packages/functions/src/shared/runtime.js';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { lambdaContext, StreamReader, streamEvents } from '../support/lambda.js';
import { agentShift, contactRecord, kinesisEvent } from '../support/payloads.js';

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);
const RULES = parseRules({ timezone: 'Asia/Tokyo' });

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

const context = (requestId: string) => ({ ...lambdaContext('rebuild'), awsRequestId: requestId });

/** Fresh tables with two agents' shifts and a few contacts, ingested and projected through the handlers. */
async function loadedTables(store: { settleMs?: number; scanPageSize?: number } = {}): Promise<{ tables: TableNames; client: ReturnType<DynamoLocal['client']> }> {
  const tables = await local.createTables();
  const client = local.client({ maxAttempts: 2 });
  configureRuntime({ dynamo: client, store: { settleMs: 0, generationCacheMs: 0, retry: { baseDelayMs: 1 }, ...store }, config: { tables, rules: RULES, busName: null } });
  const records = [
    ...agentShift('alice', T0),
    ...agentShift('bob', T0 + 30_000),
    contactRecord({ id: 'c1', initiated: T0 + 40_000, disconnected: T0 + 400_000, exitPoint: 'sales' }),
    contactRecord({ id: 'c2', initiated: T0 + 70_000, kind: 'ivr-abandon', exitPoint: 'menu' }),
  ];
  expect(await ingest(kinesisEvent(records), lambdaContext('ingest'))).toEqual({ batchItemFailures: [] });
  const reader = new StreamReader(local.streams(), await eventStreamArn(client, tables));
  for (const e of streamEvents(await reader.read())) await project(e, lambdaContext('project'));
  return { tables, client };
}

async function views(): Promise<unknown> {
  const rt = runtime();
  const out: Record<string, unknown> = {};
  for (const path of ['/api/agents', '/api/intervals', '/api/contacts']) {
    out[path] = (await handleApi({ projections: await rt.store.current(), events: rt.store, rules: RULES }, 'GET', path, new URLSearchParams())).body;
  }
  return out;
}

describe('the lease item', () => {
  it('has one holder at a time, expires unless renewed, and is released only by its holder', async () => {
    const { tables, client } = await loadedTables();
    let now = T0;
    const leases = new DynamoLeases(runtime().store.doc, tables.ledger, () => now);
    expect(await leases.acquire('job', 'a', 1_000)).toEqual({ acquired: true });
    expect(await leases.acquire('job', 'b', 1_000)).toEqual({ acquired: false, holder: 'a', expiresAt: T0 + 1_000 });
    now += 800;
    expect(await leases.renew('job', 'a', 1_000)).toBe(true); // until T0 + 1800
    now += 900;
    expect(await leases.acquire('job', 'b', 1_000)).toMatchObject({ acquired: false, holder: 'a', expiresAt: T0 + 1_800 });
    now += 200; // a stopped renewing: its lease ran out
    expect(await leases.acquire('job', 'b', 1_000)).toEqual({ acquired: true });
    expect(await leases.renew('job', 'a', 1_000)).toBe(false);
    await leases.release('job', 'a'); // not a's to release any more
    expect(await leases.acquire('job', 'c', 1_000)).toMatchObject({ acquired: false, holder: 'b' });
    expect(await leases.acquire('other', 'c', 1_000)).toEqual({ acquired: true }); // leases are by name
    await leases.release('job', 'b');
    expect(await leases.acquire('job', 'c', 1_000)).toEqual({ acquired: true });
    client.destroy();
  });

  it('goes to exactly one of many concurrent acquirers', async () => {
    const { tables } = await loadedTables();
    const leases = new DynamoLeases(runtime().store.doc, tables.ledger);
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => leases.acquire(`race-${round}`, `holder-${i}`, 60_000)));
      const winners = outcomes.filter((o) => o.acquired);
      expect(winners).toHaveLength(1);
      const winner = `holder-${outcomes.findIndex((o) => o.acquired)}`;
      for (const o of outcomes) if (!o.acquired) expect(o.holder).toBe(winner);
    }
  });

  it('is kept past its time by the heartbeat while the work runs, refused to others, and released after', async () => {
    const { tables } = await loadedTables();
    const leases = new DynamoLeases(runtime().store.doc, tables.ledger);
    const refusals: string[] = [];
    const result = await withLease(leases, 'job', { holder: 'worker', ttlMs: 400, renewEveryMs: 80 }, async (signal) => {
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 200)); // 1.2 s in all: three times the lease
        const other = await leases.acquire('job', `competitor-${i}`, 400);
        if (!other.acquired) refusals.push(other.holder);
      }
      return signal.aborted ? 'lost' : 'done';
    });
    expect(result).toBe('done');
    expect(refusals).toEqual(Array(6).fill('worker'));
    expect(await leases.acquire('job', 'next', 400)).toEqual({ acquired: true });
  });

  it('aborts the work when another holder took the lease', async () => {
    const { tables } = await loadedTables();
    const leases = new DynamoLeases(runtime().store.doc, tables.ledger);
    const work = withLease(leases, 'job', { holder: 'slow', ttlMs: 400, renewEveryMs: 50 }, async (signal) => {
      await runtime().store.doc.send(
        new UpdateCommand({ TableName: tables.ledger, Key: { pk: 'lease', sk: 'job' }, UpdateExpression: 'SET holder = :t, expires = :e', ExpressionAttributeValues: { ':t': 'thief', ':e': Date.now() + 60_000 } }),
      );
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      signal.throwIfAborted();
    });
    await expect(work).rejects.toThrow(LeaseLostError);
    expect(await leases.acquire('job', 'x', 400)).toMatchObject({ acquired: false, holder: 'thief' }); // not released by the loser
  });
});

describe('rebuilds under the lease', () => {
  it('runs one of three concurrent Rebuild invocations; the others are refused at once; the result equals the incremental projections', async () => {
    await loadedTables({ settleMs: 300 }); // the winner holds the lease at least this long
    const before = await views();
    const outcomes = await Promise.allSettled(['r1', 'r2', 'r3'].map((id) => rebuild({}, context(id))));
    const done = outcomes.filter((o): o is PromiseFulfilledResult<Awaited<ReturnType<typeof rebuild>>> => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(done[0]!.value).toMatchObject({ generation: 2, events: expect.any(Number) });
    expect(refused).toHaveLength(2);
    const winner = ['r1', 'r2', 'r3'][outcomes.findIndex((o) => o.status === 'fulfilled')];
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(LeaseHeldError);
      expect(r.reason.message).toMatch(new RegExp(`^rebuild is already running \\(held by lambda:${winner} until `));
    }
    expect(await runtime().store.currentGeneration()).toBe(2);
    expect(await views()).toEqual(before); // rebuild == incremental
    // released: the next rebuild runs
    expect(await rebuild({}, context('r4'))).toMatchObject({ generation: 3 });
    expect(await views()).toEqual(before);
  });

  it('takes over from a rebuild that died holding the lease once the lease has run out', async () => {
    const { tables } = await loadedTables();
    const leases = new DynamoLeases(runtime().store.doc, tables.ledger);
    expect(await leases.acquire(REBUILD_LEASE, 'lambda:crashed', 300)).toEqual({ acquired: true }); // and never renewed
    await expect(rebuild({}, context('too-soon'))).rejects.toThrow(/held by lambda:crashed/);
    await new Promise((r) => setTimeout(r, 350));
    expect(await rebuild({}, context('after'))).toMatchObject({ generation: 2 });
  });

  it('stops before switching when it loses the lease: the current projections keep serving, and the next rebuild completes', async () => {
    const { tables, client } = await loadedTables({ scanPageSize: 4 });
    const before = await views();
    // a slow scan: each page of the event index takes 40 ms, so the replay outlasts the lease
    client.middlewareStack.add(
      ((next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: { input: { IndexName?: string } }) => {
        if (ctx.commandName === 'QueryCommand' && args.input.IndexName === 'byShard') await new Promise((r) => setTimeout(r, 40));
        return next(args);
      }) as never,
      { step: 'initialize', name: 'slow-scan' },
    );
    const stolen = new Promise<void>((resolve) =>
      setTimeout(async () => {
        await runtime().store.doc.send(
          new UpdateCommand({ TableName: tables.ledger, Key: { pk: 'lease', sk: REBUILD_LEASE }, UpdateExpression: 'SET holder = :t, expires = :e', ExpressionAttributeValues: { ':t': 'thief', ':e': Date.now() + 1_000 } }),
        );
        resolve();
      }, 150),
    );
    await expect(rebuildUnderLease(runtime(), 'victim', undefined, { ttlMs: 400, renewEveryMs: 50 })).rejects.toThrow(LeaseLostError);
    await stolen;
    client.middlewareStack.remove('slow-scan');
    expect(await runtime().store.currentGeneration()).toBe(1);
    expect(await views()).toEqual(before);
    await new Promise((r) => setTimeout(r, 1_050)); // the thief's lease runs out
    expect(await rebuildUnderLease(runtime(), 'next')).toMatchObject({ generation: 3 }); // generation 2 was the abandoned one
    expect(await views()).toEqual(before);
  });
});
