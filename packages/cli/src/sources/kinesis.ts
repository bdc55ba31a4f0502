import type { Candidate } from '@switchboard/core';

export interface KinesisTailOptions {
  streamName: string;
  endpoint?: string;
  region?: string;
  /** where to start on shards without a checkpoint */
  from?: 'LATEST' | 'TRIM_HORIZON';
  pollMs?: number;
  signal?: AbortSignal;
  /** last sequence number per shard, to resume after a restart */
  checkpoints?: Map<string, string>;
  onBatch(candidates: Candidate[], checkpoint: { shardId: string; sequenceNumber: string }): Promise<void>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Tails a Kinesis stream by polling every shard (GetRecords), e.g. a Connect
 * stream from a laptop, or kinesalite in tests. One record = one Connect payload.
 */
export async function tailKinesis(options: KinesisTailOptions): Promise<void> {
  const { KinesisClient, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const client = new KinesisClient({
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          requestHandler: new NodeHttpHandler(),
          credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
        }
      : {}),
  });
  const pollMs = options.pollMs ?? 1000;
  const shards = await client.send(new ListShardsCommand({ StreamName: options.streamName }));
  const iterators = new Map<string, string | undefined>();
  for (const shard of shards.Shards ?? []) {
    const after = options.checkpoints?.get(shard.ShardId!);
    const it = await client.send(
      new GetShardIteratorCommand({
        StreamName: options.streamName,
        ShardId: shard.ShardId!,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
          : { ShardIteratorType: options.from ?? 'LATEST' }),
      }),
    );
    iterators.set(shard.ShardId!, it.ShardIterator);
  }
  try {
    while (!options.signal?.aborted) {
      let got = 0;
      for (const [shardId, iterator] of iterators) {
        if (!iterator) continue;
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        iterators.set(shardId, out.NextShardIterator);
        const records = out.Records ?? [];
        if (records.length === 0) continue;
        got += records.length;
        const candidates: Candidate[] = records.map((r) => {
          const source = {
            origin: options.streamName,
            shardId,
            sequenceNumber: r.SequenceNumber,
            partitionKey: r.PartitionKey,
            arrivedAt: r.ApproximateArrivalTimestamp?.getTime(),
          };
          let text: string;
          try {
            text = decoder.decode(r.Data);
          } catch {
            return { ok: false, reason: 'data: not valid UTF-8', raw: Buffer.from(r.Data ?? []).toString('base64'), source };
          }
          try {
            return { ok: true, value: JSON.parse(text), raw: text, source };
          } catch (err) {
            return { ok: false, reason: `data: not valid JSON (${(err as Error).message})`, raw: text, source };
          }
        });
        await options.onBatch(candidates, { shardId, sequenceNumber: records[records.length - 1]!.SequenceNumber! });
      }
      if (got === 0) await sleep(pollMs, options.signal);
    }
  } finally {
    client.destroy();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((ok) => {
    const t = setTimeout(ok, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      ok();
    });
  });
}
