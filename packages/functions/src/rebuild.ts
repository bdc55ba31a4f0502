/**
 * Replays the event table into a new generation of projections under the
 * current rules and switches to it (run after a rule change):
 *   aws lambda invoke --function-name <Rebuild> out.json
 * The old projections serve until the switch; a failed rebuild leaves them.
 * One at a time: a rebuild holds a lease in the ledger, and an invocation
 * while another runs fails at once with the holder's name.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { RebuildSummary } from '@switchboard/core';
import { instrument, logger } from './shared/observability.js';
import { rebuildUnderLease } from './shared/rebuild.js';
import { runtime } from './shared/runtime.js';

export const handler = instrument('rebuild', async (_event: unknown, context?: Context): Promise<RebuildSummary & { seconds: number }> => {
  const rt = runtime();
  const started = Date.now();
  const holder = `lambda:${context?.awsRequestId ?? randomUUID()}`;
  const summary = await rebuildUnderLease(rt, holder, (events) => logger.info('rebuild progress', { events }));
  const seconds = (Date.now() - started) / 1000;
  logger.info('rebuild done', { ...summary, seconds });
  return { ...summary, seconds };
});
