import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../../alert.js';
import { padTime } from '../../parse/record.js';
import type { AlertLedger } from '../ports.js';
import { batchWrite, isConditionalCheckFailed, mapLimit, queryAll, queryPages, type RetryOptions } from './batch.js';
import { TTL_ATTRIBUTE } from './schema.js';
import { utcDate } from './time-index.js';

const ALERT_LOG_DAYS_SCANNED = 35;

export interface AlertLedgerOptions {
  /** a claimed alert that is still unpublished after this long may be claimed again; default 60 s */
  alertLeaseMs?: number;
  /** alerts are remembered (deduplicated) this long; default 90 days */
  alertRetentionDays?: number;
}

/**
 * The alert outbox in the ledger table: alert / <id> claims an occurrence
 * (pending until published), alertpending / <id> lists the claims not yet
 * published, alertlog#<UTC date> / <raisedAt>|<id> keeps the alert for
 * recentAlerts.
 */
export class DynamoAlertLedger implements AlertLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { ledger: string },
    private readonly retry: RetryOptions,
    private readonly now: () => number,
    private readonly options: AlertLedgerOptions,
  ) {}

  /**
   * Claims each alert once: a conditional write on its id. An alert claimed
   * but not marked published (the publisher died) can be claimed again after
   * the lease, so an occurrence is published at least once and normally once.
   */
  async recordAlerts(alerts: readonly Alert[]): Promise<Alert[]> {
    const now = this.now();
    const expiresAt = Math.floor(now / 1000) + (this.options.alertRetentionDays ?? 90) * 86_400;
    const unique = [...new Map(alerts.map((a) => [a.id, a])).values()];
    const claimed = await mapLimit(unique, 16, async (a) => {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key: { pk: 'alert', sk: a.id },
            UpdateExpression: `SET a = :a, st = :pending, claimedAt = :now, raisedAt = if_not_exists(raisedAt, :now), ${TTL_ATTRIBUTE} = :exp`,
            ConditionExpression: 'attribute_not_exists(pk) OR (st = :pending AND claimedAt < :lease)',
            ExpressionAttributeValues: {
              ':a': JSON.stringify(a),
              ':pending': 'pending',
              ':now': now,
              ':exp': expiresAt,
              ':lease': now - (this.options.alertLeaseMs ?? 60_000),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { alert: a, raisedAt: Number(out.Attributes?.raisedAt ?? now) };
      } catch (err) {
        if (isConditionalCheckFailed(err)) return null;
        throw err;
      }
    });
    const fresh = claimed.filter((c): c is { alert: Alert; raisedAt: number } => c !== null);
    await batchWrite(
      this.doc,
      this.tables.ledger,
      fresh.flatMap(({ alert, raisedAt }) => [
        { put: { pk: `alertlog#${utcDate(raisedAt)}`, sk: `${padTime(raisedAt)}|${alert.id}`, a: JSON.stringify(alert), [TTL_ATTRIBUTE]: expiresAt } },
        { put: { pk: 'alertpending', sk: alert.id, a: JSON.stringify(alert), [TTL_ATTRIBUTE]: expiresAt } },
      ]),
      this.retry,
    );
    return fresh.map((c) => c.alert);
  }

  /** Marks claimed alerts as delivered: they are not claimed again. */
  async markAlertsPublished(ids: readonly string[]): Promise<void> {
    await mapLimit(ids, 16, (id) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tables.ledger,
          Key: { pk: 'alert', sk: id },
          UpdateExpression: 'SET st = :published',
          ExpressionAttributeValues: { ':published': 'published' },
        }),
      ),
    );
    await batchWrite(this.doc, this.tables.ledger, ids.map((id) => ({ delete: { pk: 'alertpending', sk: id } })), this.retry);
  }

  /** Gives claimed alerts up after a failed delivery, so that a retry claims them at once. */
  async releaseAlerts(ids: readonly string[]): Promise<void> {
    await mapLimit(ids, 16, async (id) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key: { pk: 'alert', sk: id },
            UpdateExpression: 'SET claimedAt = :zero',
            ConditionExpression: 'st = :pending',
            ExpressionAttributeValues: { ':zero': 0, ':pending': 'pending' },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    });
  }

  /**
   * Claims again the alerts that were claimed but never marked published
   * (the publisher crashed) once their lease ran out: the sweep delivers them.
   */
  async reclaimStaleAlerts(): Promise<Alert[]> {
    const now = this.now();
    const pending = await queryAll(this.doc, {
      TableName: this.tables.ledger,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'alertpending' },
    });
    const claimed = await mapLimit(pending, 16, async (item) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tables.ledger,
            Key: { pk: 'alert', sk: item.sk as string },
            UpdateExpression: 'SET claimedAt = :now',
            ConditionExpression: 'st = :pending AND claimedAt < :lease',
            ExpressionAttributeValues: { ':now': now, ':pending': 'pending', ':lease': now - (this.options.alertLeaseMs ?? 60_000) },
          }),
        );
        return JSON.parse(item.a as string) as Alert;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return null;
        throw err;
      }
    });
    return claimed.filter((a): a is Alert => a !== null);
  }

  async recentAlerts(limit: number): Promise<Alert[]> {
    const out: Alert[] = [];
    const today = this.now();
    for (let d = 0; d < ALERT_LOG_DAYS_SCANNED && out.length < limit; d++) {
      for await (const page of queryPages(this.doc, {
        TableName: this.tables.ledger,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `alertlog#${utcDate(today - d * 86_400_000)}` },
        ScanIndexForward: false,
        Limit: limit - out.length,
      })) {
        for (const i of page) if (out.length < limit) out.push(JSON.parse(i.a as string) as Alert);
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}
