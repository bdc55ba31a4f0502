/**
 * A named lease: at most one holder at a time, for a bounded time that the
 * holder keeps renewing while it works (a heartbeat). A holder that dies
 * stops renewing, and the lease expires so that the next one may take it.
 * Rebuilds are serialised with it.
 */
export interface Leases {
  /** Takes the lease when nobody holds it or its holder's time ran out. */
  acquire(name: string, holder: string, ttlMs: number): Promise<LeaseOutcome>;
  /** Extends the holder's lease; false when it has lost it (it expired and someone else took it). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if the holder still has it. */
  release(name: string, holder: string): Promise<void>;
}

export type LeaseOutcome = { acquired: true } | { acquired: false; holder: string; expiresAt: number };

export class LeaseHeldError extends Error {
  override name = 'LeaseHeldError';
  constructor(
    readonly lease: string,
    readonly holder: string,
    readonly expiresAt: number,
  ) {
    super(`${lease} is already running (held by ${holder} until ${new Date(expiresAt).toISOString()} unless renewed): try again when it has finished`);
  }
}

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly lease: string, reason: string) {
    super(`${lease} lost its lease (${reason}): stopped before it could interfere with the holder that took over`);
  }
}

export interface LeaseOptions {
  /** who holds it (unique per attempt, e.g. the Lambda request ID) */
  holder: string;
  /** how long the lease lasts without renewal */
  ttlMs: number;
  /** how often the heartbeat renews it; default a quarter of ttlMs */
  renewEveryMs?: number;
  /** clock of the holder; default Date.now */
  now?: () => number;
}

/** The lease that keeps rebuilds of one store to one at a time, in either store. */
export const REBUILD_LEASE = 'rebuild';

/**
 * Runs `work` while holding the lease: refuses with LeaseHeldError when
 * another holder has it, renews it in the background, and releases it at the
 * end. `signal` aborts (with LeaseLostError) as soon as the lease can no longer
 * be trusted: a renewal found another holder, or renewals failed for so long
 * that the lease may have expired. Work that checks the signal before each
 * step it must not take without the lease stops in time. Work that keeps the
 * thread busy, so that the background timer may not get to run (a rebuild
 * replaying a local store), calls `keepAlive` from its progress: it renews
 * the lease there when a renewal is due.
 */
export async function withLease<T>(
  leases: Leases,
  name: string,
  options: LeaseOptions,
  work: (signal: AbortSignal, keepAlive: () => void) => Promise<T>,
): Promise<T> {
  const now = options.now ?? Date.now;
  const outcome = await leases.acquire(name, options.holder, options.ttlMs);
  if (!outcome.acquired) throw new LeaseHeldError(name, outcome.holder, outcome.expiresAt);

  const lost = new AbortController();
  let renewedAt = now();
  let beganAt = renewedAt;
  const renewEvery = options.renewEveryMs ?? Math.max(1, Math.floor(options.ttlMs / 4));
  let renewing: Promise<void> = Promise.resolve();
  const beat = () => {
    if (lost.signal.aborted) return;
    const started = (beganAt = now());
    renewing = (async () => {
      try {
        if (await leases.renew(name, options.holder, options.ttlMs)) renewedAt = started;
        else lost.abort(new LeaseLostError(name, 'another holder took it'));
      } catch (err) {
        // a failed renewal is retried at the next beat; give up while a quarter of the lease is left for writes in flight
        if (now() - renewedAt >= options.ttlMs / 2) lost.abort(new LeaseLostError(name, `not renewed for ${now() - renewedAt} ms: ${(err as Error).message}`));
      }
    })();
  };
  const heartbeat = setInterval(beat, renewEvery);
  heartbeat.unref?.();
  const keepAlive = () => {
    if (now() - beganAt >= renewEvery) beat();
  };
  try {
    return await work(lost.signal, keepAlive);
  } finally {
    clearInterval(heartbeat);
    await renewing;
    if (!lost.signal.aborted) await leases.release(name, options.holder).catch(() => undefined); // else it expires by itself
  }
}
