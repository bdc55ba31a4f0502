/**
 * Rebuilds the projections in AWS from a machine with credentials, for event
 * tables too large for the Rebuild Lambda's 15 minutes. Uses the app's links:
 *   npx sst shell --stage production -- node scripts/run-ts.mjs scripts/aws-rebuild.ts
 */
import { rebuildProjections } from '@switchboard/core';
import { runtime } from '../packages/functions/src/shared/runtime.js';

const rt = runtime();
const started = Date.now();
try {
  const summary = await rebuildProjections(rt.store, rt.config.rules, (events) => process.stderr.write(`\rrebuild: ${events} events`));
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify({ ...summary, seconds: (Date.now() - started) / 1000 })}\n`);
} catch (err) {
  process.stderr.write(`\nrebuild failed (the current projections still serve): ${(err as Error).message}\n`);
  process.exitCode = 1;
}
