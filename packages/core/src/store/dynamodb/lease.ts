import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeaseOutcome, Leases } from '../lease.js';
import { isConditionalCheckFailed } from './batch.js';

const NAMES = { '#holder': 'holder', '#expires': 'expires' };

/**
 * Leases as items of the ledger table (`lease` / <name>): holder and expiry
 * (ms) set by conditional updates, so that of two acquirers exactly one wins.
 * Only UpdateItem is used: acquire, renew and release each are one request.
 * Expiry is judged by the acquirer's clock against the holder's; the lease
 * time must be much longer than the clocks' skew (Lambda's are synchronised).
 */
export class DynamoLeases implements Leases {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** One conditional update of the lease item; when the condition fails, the item as it was. */
  private async update(name: string, update: string, condition: string, values: Record<string, unknown>): Promise<{ failed: false } | { failed: true; item?: Record<string, { S?: string; N?: string }> }> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: 'lease', sk: name },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { failed: false };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      return { failed: true, item: (err as { Item?: Record<string, { S?: string; N?: string }> }).Item };
    }
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseOutcome> {
    const now = this.now();
    const out = await this.update(name, 'SET #holder = :h, #expires = :e, acquiredAt = :now', 'attribute_not_exists(#holder) OR #expires < :now', {
      ':h': holder,
      ':e': now + ttlMs,
      ':now': now,
    });
    if (!out.failed) return { acquired: true };
    return { acquired: false, holder: out.item?.holder?.S ?? 'another holder', expiresAt: Number(out.item?.expires?.N ?? now + ttlMs) };
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return !(await this.update(name, 'SET #expires = :e', '#holder = :h', { ':h': holder, ':e': this.now() + ttlMs })).failed;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.update(name, 'REMOVE #holder, #expires', '#holder = :h', { ':h': holder });
  }
}
