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

  private key(name: string) {
    return { pk: 'lease', sk: name };
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseOutcome> {
    const now = this.now();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(name),
          UpdateExpression: 'SET #holder = :h, #expires = :e, acquiredAt = :now',
          ConditionExpression: 'attribute_not_exists(#holder) OR #expires < :now',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':h': holder, ':e': now + ttlMs, ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { acquired: true };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const item = (err as { Item?: Record<string, { S?: string; N?: string }> }).Item;
      return { acquired: false, holder: item?.holder?.S ?? 'another holder', expiresAt: Number(item?.expires?.N ?? now + ttlMs) };
    }
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(name),
          UpdateExpression: 'SET #expires = :e',
          ConditionExpression: '#holder = :h',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':h': holder, ':e': this.now() + ttlMs },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async release(name: string, holder: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(name),
          UpdateExpression: 'REMOVE #holder, #expires',
          ConditionExpression: '#holder = :h',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':h': holder },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
