import type { AppendedEvent, NewEvent } from '../model.js';

/**
 * An append that stored some events but not others (a store without
 * transactions, e.g. DynamoDB after its retries ran out). The events that
 * failed can be retried: appends are idempotent. `retryable: false` marks an
 * event the store can never accept (e.g. larger than its item limit), which the
 * caller should quarantine instead.
 */
export class PartialAppendError extends Error {
  override name = 'PartialAppendError';
  constructor(
    readonly appended: AppendedEvent[],
    readonly duplicates: number,
    readonly failed: Array<{ event: NewEvent; error: unknown; retryable: boolean }>,
  ) {
    super(`${failed.length} of ${appended.length + duplicates + failed.length} events could not be appended: ${describe(failed[0]?.error)}`);
  }
}

/**
 * An event not appended because an earlier event of its stream failed: it
 * waits for that one's retry, so that each stream is stored in order. It did
 * not fail by itself.
 */
export class HeldBackError extends Error {
  override name = 'HeldBackError';
}

/**
 * A projection write lost an optimistic-concurrency race: the agent record
 * changed since it was read. Re-plan from the store and commit again (the
 * projector is idempotent).
 */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  constructor(readonly agentArns: string[]) {
    super(`agent record changed since it was read (${agentArns.length} agent${agentArns.length === 1 ? '' : 's'}, e.g. ${agentArns[0]}): re-plan and retry`);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
