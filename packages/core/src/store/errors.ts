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
 * A projection write lost an optimistic-concurrency race: an agent record or
 * a document changed since it was read. Re-plan from the store and commit
 * again (the projections are idempotent).
 */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  /** @param keys agent ARNs, and `<projection>/<key>` for documents */
  constructor(readonly keys: string[]) {
    super(`${keys.length === 1 ? 'a projection record' : `${keys.length} projection records`} changed since read (e.g. ${keys[0]}): re-plan and retry`);
  }
}

/** The embedded store cannot be opened or used as asked (a clear message for the CLI, no stack trace). */
export class StoreError extends Error {
  override name = 'StoreError';
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
