import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FailedAttempts } from '../attempts.js';
import { mapLimit } from './batch.js';
import { TTL_ATTRIBUTE } from './schema.js';

/** Counts are kept longer than a record can stay in its stream (Kinesis keeps at most 365 days; ours 7). */
const KEEP_DAYS = 8;

/**
 * Failed attempts as ledger items (`attempts` / <record key>), one atomic
 * ADD per failure, with the last reason; they expire (TTL) after KEEP_DAYS.
 * Only failures are written: a batch that succeeds costs nothing here.
 */
export class DynamoRecordAttempts implements FailedAttempts {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  async record(failures: ReadonlyArray<{ key: string; reason: string }>): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const now = this.now();
    await mapLimit([...failures], 16, async ({ key, reason }) => {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'attempts', sk: key },
          UpdateExpression: 'ADD attempts :one SET reason = :r, lastAt = :now, #ttl = :ttl',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':r': reason.slice(0, 2_000), ':now': now, ':ttl': Math.floor(now / 1000) + KEEP_DAYS * 86_400 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      counts.set(key, Number(out.Attributes?.attempts ?? 1));
    });
    return counts;
  }
}
