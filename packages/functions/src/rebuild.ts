/**
 * Replays the event table into a new generation of projections under the
 * current rules and switches to it (run after a rule change):
 *   aws lambda invoke --function-name <Rebuild> out.json
 * The old projections serve until the switch; a failed rebuild leaves them.
 * One at a time (the function's reserved concurrency is 1).
 */
import { rebuildProjections, type RebuildSummary } from '@switchboard/core';
import { instrument, logger } from './shared/observability.js';
import { runtime } from './shared/runtime.js';

export const handler = instrument('rebuild', async (): Promise<RebuildSummary & { seconds: number }> => {
  const rt = runtime();
  const started = Date.now();
  const summary = await rebuildProjections(rt.store, rt.config.rules, (events) => logger.info('rebuild progress', { events }));
  const seconds = (Date.now() - started) / 1000;
  logger.info('rebuild done', { ...summary, seconds });
  return { ...summary, seconds };
});
