/**
 * Replays the event table into a new generation of projections under the
 * current rules and switches to it (run after a rule change):
 *   aws lambda invoke --function-name <Rebuild> out.json
 * The old projections serve until the switch; a failed rebuild leaves them.
 * One at a time: a rebuild holds a lease in the ledger, and an invocation
 * while another runs fails at once with the holder's name. A rebuild that
 * cannot finish in one invocation stops at a stream boundary before its time
 * runs out, saves a checkpoint under the lease, releases it and invokes the
 * function again (asynchronously), which continues from the checkpoint.
 */
import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import type { RebuildSummary } from '@switchboard/core';
import { instrument, logger } from './shared/observability.js';
import { rebuildStepUnderLease } from './shared/rebuild.js';
import { runtime } from './shared/runtime.js';

/** Time kept back from an invocation's limit to commit, save the checkpoint or switch over (at most a quarter of it). */
const RESERVE_MS = 120_000;

export const handler = instrument('rebuild', async (_event: unknown, context?: Context): Promise<RebuildSummary & { seconds: number; status: 'done' | 'continues' }> => {
  const rt = runtime();
  const started = Date.now();
  const holder = `lambda:${context?.awsRequestId ?? randomUUID()}`;
  const remaining = context?.getRemainingTimeInMillis() ?? 900_000;
  const deadline = started + remaining - Math.min(RESERVE_MS, remaining / 4);
  const { finished, summary } = await rebuildStepUnderLease(rt, holder, deadline, (events) => logger.info('rebuild progress', { events }));
  const seconds = (Date.now() - started) / 1000;
  if (!finished) {
    await rt.lambda.send(new InvokeCommand({ FunctionName: context?.invokedFunctionArn ?? context?.functionName, InvocationType: 'Event', Payload: JSON.stringify({ continue: summary.generation }) }));
    logger.info('rebuild continues in another invocation', { ...summary, seconds });
    return { ...summary, seconds, status: 'continues' };
  }
  logger.info('rebuild done', { ...summary, seconds });
  return { ...summary, seconds, status: 'done' };
});
