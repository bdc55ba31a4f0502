/**
 * How the event source mappings hand records to the functions: Lambda's batch
 * size and batching window (MaximumBatchingWindowInSeconds: an invocation
 * waits for at most this long after its first record). Pure data: the stacks
 * use it, and the DynamoDB write benchmark (`npm run bench:dynamodb`) replays
 * simulated traffic in the same batches.
 *
 * The projection mapping's window trades freshness for writes: every agent and
 * every contact a batch touches costs one write, so a batch that gathers ten
 * seconds folds more of each agent's events into one write. Measured at 1,000
 * agents (docs/deploy-aws.md "Cost per million events"): 1 s 2.12 write
 * requests per event, 10 s 1.99, 30 s 1.86. Ten seconds keeps the seat map in
 * AWS about as fresh as Connect's own real-time page, which updates every 15
 * seconds; SWITCHBOARD_PROJECT_WINDOW_SECONDS changes it.
 */
export const INGEST_BATCH = { size: 100, windowSeconds: 1 } as const;
export const PROJECT_BATCH = { size: 1000, windowSeconds: 10 } as const;
/** Lambda's bounds for a batching window */
export const MAX_WINDOW_SECONDS = 300;
