/**
 * Rebuilds the projections in AWS from a machine with credentials, for event
 * tables too large for the Rebuild Lambda's 15 minutes, under the same lease
 * as the Rebuild function (one rebuild at a time). Uses the app's links:
 *   npx sst shell --stage production -- node scripts/run-ts.mjs scripts/aws-rebuild.ts
 */
import { hostname } from 'node:os';
import { rebuildUnderLease } from '../packages/functions/src/shared/rebuild.js';
import { runtime } from '../packages/functions/src/shared/runtime.js';

const rt = runtime();
const started = Date.now();
try {
  const summary = await rebuildUnderLease(rt, `${hostname()}:${process.pid}`, (events) => process.stderr.write(`\rrebuild: ${events} events`));
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify({ ...summary, seconds: (Date.now() - started) / 1000 })}\n`);
} catch (err) {
  process.stderr.write(`\nrebuild failed (the current projections still serve): ${(err as Error).message}\n`);
  process.exitCode = 1;
}
