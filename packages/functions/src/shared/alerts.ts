/**
 * Alerts to EventBridge: source "switchboard", detail-type = alert.kind,
 * detail = the alert (core alert.ts). At most 10 entries per PutEvents call;
 * entries EventBridge fails are sent again with back-off. An alert is marked
 * published in the ledger only once EventBridge accepted it; when delivery
 * fails the claim is released so that the retry of the batch sends it.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Alert } from '@switchboard/core';
import { count, logger } from './observability.js';
import type { Runtime } from './runtime.js';

export const ALERT_SOURCE = 'switchboard';
export const MAX_ENTRIES_PER_CALL = 10;

export class AlertDeliveryError extends Error {
  override name = 'AlertDeliveryError';
}

export function alertEntries(alerts: readonly Alert[], busName: string): PutEventsRequestEntry[] {
  return alerts.map((a) => ({
    EventBusName: busName,
    Source: ALERT_SOURCE,
    DetailType: a.kind,
    Detail: JSON.stringify(a),
    Resources: a.agentArn ? [a.agentArn] : [],
  }));
}

export interface PutOptions {
  attempts?: number;
  baseDelayMs?: number;
}

/** Sends the entries 10 per call; retries the entries that come back with an ErrorCode. Returns the number of calls. */
export async function putEntries(client: EventBridgeClient, entries: readonly PutEventsRequestEntry[], options: PutOptions = {}): Promise<number> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 100;
  let calls = 0;
  for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL) {
    let pending = entries.slice(i, i + MAX_ENTRIES_PER_CALL);
    for (let attempt = 1; ; attempt++) {
      calls++;
      const out = await client.send(new PutEventsCommand({ Entries: pending }));
      const failed = (out.Entries ?? []).map((e, j) => ({ result: e, entry: pending[j]! })).filter((x) => x.result.ErrorCode);
      if (!out.FailedEntryCount && failed.length === 0) break;
      if (attempt >= attempts) {
        const first = failed[0]?.result;
        throw new AlertDeliveryError(`EventBridge did not accept ${failed.length} alert(s) after ${attempts} attempts: ${first?.ErrorCode} ${first?.ErrorMessage ?? ''}`);
      }
      pending = failed.map((x) => x.entry);
      await new Promise((r) => setTimeout(r, Math.min(5_000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2)));
    }
  }
  return calls;
}

/** Publishes freshly claimed alerts and records the outcome in the ledger. */
export async function deliverAlerts(rt: Runtime, alerts: readonly Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  const ids = alerts.map((a) => a.id);
  if (!rt.config.busName) {
    logger.warn('no event bus linked: alerts are only logged', { alerts });
  } else {
    try {
      await putEntries(rt.eventBridge, alertEntries(alerts, rt.config.busName));
    } catch (err) {
      await rt.store.releaseAlerts(ids);
      throw err;
    }
  }
  await rt.store.markAlertsPublished(ids);
  count('AlertsPublished', alerts.length);
  logger.info('alerts published', { alerts: alerts.map((a) => ({ id: a.id, kind: a.kind })) });
}
