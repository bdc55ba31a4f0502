/**
 * A rebuild under the `rebuild` lease in the ledger: one at a time, whether
 * it runs in the Rebuild function or from a machine (scripts/aws-rebuild.ts).
 * A second one is refused while the first renews its lease; a holder that died
 * stops renewing and its lease runs out after REBUILD_LEASE_MS.
 */
import { REBUILD_LEASE, rebuildProjections, rebuildStep, withLease, type RebuildStep, type RebuildSummary } from '@switchboard/core';
import type { Runtime } from './runtime.js';

/** How long the lease lasts unless renewed (renewed every quarter of it). */
export const REBUILD_LEASE_MS = 120_000;

type LeaseTiming = { ttlMs?: number; renewEveryMs?: number };

function underRebuildLease<T>(rt: Runtime, holder: string, lease: LeaseTiming, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withLease(rt.leases, REBUILD_LEASE, { holder, ttlMs: lease.ttlMs ?? REBUILD_LEASE_MS, renewEveryMs: lease.renewEveryMs }, work);
}

export async function rebuildUnderLease(
  rt: Runtime,
  holder: string,
  onProgress?: (events: number) => void,
  lease: LeaseTiming = {},
): Promise<RebuildSummary> {
  return underRebuildLease(rt, holder, lease, (signal) => rebuildProjections(rt.store, rt.config.rules, onProgress, { signal }));
}

/**
 * One step of a rebuild under the lease (the Rebuild function): continues the
 * unfinished rebuild or begins one, and stops at `deadline` with a checkpoint
 * saved under the lease; the lease is released either way.
 */
export async function rebuildStepUnderLease(
  rt: Runtime,
  holder: string,
  deadline: number,
  onProgress?: (events: number) => void,
  lease: LeaseTiming = {},
): Promise<RebuildStep> {
  return underRebuildLease(rt, holder, lease, (signal) => rebuildStep(rt.store, rt.config.rules, onProgress, { signal, deadline }));
}
