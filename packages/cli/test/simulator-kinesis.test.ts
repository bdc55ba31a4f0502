import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mockClient } from 'aws-sdk-client-mock';
import { putToKinesis, simulate, type SimEvent } from '../src/simulator/index.js';
import { collect } from './simulator-helpers.js';

// kinesalite ships no types.
const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: Record<string, unknown>) => Server;

describe('putToKinesis: given kinesalite on a random local port', () => {
  let server: Server;
  let endpoint: string;
  let client: KinesisClient;

  beforeAll(async () => {
    server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new KinesisClient({
      endpoint,
      region: 'ap-northeast-1',
      requestHandler: new NodeHttpHandler(),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function createStream(name: string, shards: number): Promise<void> {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    for (let i = 0; i < 50; i++) {
      const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
      if (d.StreamDescription?.StreamStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`stream ${name} did not become ACTIVE`);
  }

  async function readAll(name: string): Promise<{ shard: string; key: string; data: string }[]> {
    const out: { shard: string; key: string; data: string }[] = [];
    const shards = await client.send(new ListShardsCommand({ StreamName: name }));
    for (const shard of shards.Shards ?? []) {
      let iterator = (
        await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))
      ).ShardIterator;
      for (let page = 0; iterator && page < 100; page++) {
        const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        for (const rec of r.Records ?? []) out.push({ shard: shard.ShardId!, key: rec.PartitionKey!, data: Buffer.from(rec.Data!).toString('utf8') });
        if ((r.Records ?? []).length === 0) break;
        iterator = r.NextShardIterator;
      }
    }
    return out;
  }

  it('when simulated traffic is put, then GetRecords returns every record, each agent’s in order on one shard', async () => {
    await createStream('connect-events', 2);
    const events = collect(simulate({ agents: 8, hours: 1.5, seed: 21 }));
    expect(events.length).toBeGreaterThan(500); // more than one PutRecords batch
    const progress: number[] = [];
    const result = await putToKinesis(events, { streamName: 'connect-events', endpoint, region: 'ap-northeast-1', onProgress: (n) => progress.push(n) });
    expect(result.records).toBe(events.length);
    expect(result.requests).toBe(Math.ceil(events.length / 500));
    expect(progress.at(-1)).toBe(events.length);

    const back = await readAll('connect-events');
    expect(back).toHaveLength(events.length);
    expect(back.map((r) => r.data).sort()).toEqual(events.map((e) => JSON.stringify(e.payload)).sort());
    // Same partition key, same shard, original order.
    const byKey = (list: { key: string; data: string }[]) => {
      const m = new Map<string, string[]>();
      for (const r of list) m.set(r.key, [...(m.get(r.key) ?? []), r.data]);
      return m;
    };
    const sent = byKey(events.map((e) => ({ key: e.partitionKey, data: JSON.stringify(e.payload) })));
    const received = byKey(back);
    for (const [key, list] of sent) expect(received.get(key)).toEqual(list);
    for (const key of sent.keys()) expect(new Set(back.filter((r) => r.key === key).map((r) => r.shard)).size).toBe(1);
  });

  it('when the stream does not exist, then the call fails with the service error', async () => {
    const events = collect(simulate({ agents: 1, hours: 0.2, seed: 1 }));
    await expect(putToKinesis(events, { streamName: 'missing', endpoint })).rejects.toThrow(/not found|ResourceNotFound/i);
  });
});

describe('putToKinesis: given a stream that throttles', () => {
  // Mocks every KinesisClient (the one putToKinesis imports too) while these tests run.
  let mock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    mock = mockClient(KinesisClient);
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());

  const events: SimEvent[] = collect(simulate({ agents: 8, hours: 2, seed: 5 }), 700);

  it('when some records come back with ErrorCode, then only those are sent again, after a back-off, until all are in', async () => {
    const accepted: string[] = [];
    let call = 0;
    mock.on(PutRecordsCommand).callsFake((input: { Records: { Data: Uint8Array }[] }) => {
      call++;
      // Every other record is throttled on the first two attempts of each batch.
      const throttle = call <= 2 || call === 4 || call === 5;
      const records = input.Records.map((r, i) => {
        if (throttle && i % 2 === 0) return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' };
        accepted.push(Buffer.from(r.Data).toString('utf8'));
        return { SequenceNumber: String(accepted.length), ShardId: 'shardId-000000000000' };
      });
      return { FailedRecordCount: records.filter((r) => 'ErrorCode' in r).length, Records: records };
    });
    const result = await putToKinesis(events, { streamName: 's', region: 'ap-northeast-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, retryBaseMs: 1 });
    expect(result.records).toBe(700);
    expect(result.retried).toBeGreaterThan(0);
    expect(accepted.sort()).toEqual(events.map((e) => JSON.stringify(e.payload)).sort());
    const inputs = mock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input);
    expect(inputs.every((i) => i.StreamName === 's' && !('StreamARN' in i) && i.Records!.length <= 500)).toBe(true);
  });

  it('when the whole request is throttled, then it is retried', async () => {
    let call = 0;
    mock.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => {
      call++;
      if (call === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      return { FailedRecordCount: 0, Records: input.Records.map(() => ({ SequenceNumber: '1', ShardId: 'shardId-000000000000' })) };
    });
    const result = await putToKinesis(events.slice(0, 10), { streamName: 's', region: 'ap-northeast-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, retryBaseMs: 1 });
    expect(result).toEqual({ records: 10, requests: 2, retried: 10 });
  });

  it('when records keep failing, then it gives up after maxAttempts with the error code', async () => {
    mock.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => ({
      FailedRecordCount: input.Records.length,
      Records: input.Records.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' })),
    }));
    await expect(
      putToKinesis(events.slice(0, 3), { streamName: 's', region: 'ap-northeast-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, retryBaseMs: 1, maxAttempts: 3 }),
    ).rejects.toThrow(/3 records still failing after 3 attempts \(InternalFailure\)/);
    expect(mock.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });
});
