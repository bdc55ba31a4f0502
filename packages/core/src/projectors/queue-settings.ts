import type { Rules } from '../rules.js';

/** Service level within 20 s (the usual 80/20 target) when the rules name no threshold. */
export const DEFAULT_SERVICE_LEVEL_SECONDS: readonly number[] = [20];

export interface QueueSettings {
  /** thresholds, ascending: the share of contacts that left the queue within each */
  serviceLevelSeconds: readonly number[];
  /** alert when the oldest contact waits longer; null: no alert */
  oldestWaitingAlertSeconds: number | null;
}

/**
 * The rules `queues` entry of a queue: by ARN, else by name, else "*", each
 * key taken from the most specific entry that sets it.
 */
export function queueSettings(rules: Pick<Rules, 'queues'>, queue: { queueArn: string | null; queueName: string | null }): QueueSettings {
  const entries = rules.queues ?? {};
  const chain = [queue.queueArn ? entries[queue.queueArn] : undefined, queue.queueName ? entries[queue.queueName] : undefined, entries['*']];
  const pick = <K extends 'serviceLevelSeconds' | 'oldestWaitingAlertSeconds'>(k: K) => chain.find((e) => e?.[k] !== undefined)?.[k];
  return {
    serviceLevelSeconds: [...(pick('serviceLevelSeconds') ?? DEFAULT_SERVICE_LEVEL_SECONDS)].sort((a, b) => a - b),
    oldestWaitingAlertSeconds: pick('oldestWaitingAlertSeconds') ?? null,
  };
}
