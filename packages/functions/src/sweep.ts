/**
 * Every minute: alerts for holds, after-contact work and statuses still going
 * on past their thresholds (each occurrence once), plus alerts whose delivery
 * was interrupted earlier.
 */
import { sweepOnce } from '@switchboard/core';
import { deliverAlerts } from './shared/alerts.js';
import { count, instrument } from './shared/observability.js';
import { runtime } from './shared/runtime.js';

export const handler = instrument('sweep', async (): Promise<{ raised: number; redelivered: number }> => {
  const rt = runtime();
  const raised = await sweepOnce(await rt.store.current(), rt.store, rt.config.rules, rt.now());
  const redelivered = await rt.store.reclaimStaleAlerts();
  await deliverAlerts(rt, [...raised, ...redelivered]);
  count('AlertsRaised', raised.length);
  return { raised: raised.length, redelivered: redelivered.length };
});
