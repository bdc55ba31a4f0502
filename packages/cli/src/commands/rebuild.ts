import { LeaseHeldError, LeaseLostError, REBUILD_LEASE, rebuildProjections, withLease } from '@switchboard/core';
import { localLeaseHolder, REBUILD_CACHE_MB } from '@switchboard/core/sqlite';
import { CliError, loadRules, openExistingStore, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { Progress } from '../progress.js';

/**
 * How long the lease lasts unless renewed. A rebuild renews it as it reports
 * progress; a killed one on this machine frees it at once (its process is
 * gone), so only a holder on another machine, or one stalled this long, is
 * waited for.
 */
const LEASE_MS = 10 * 60_000;

export async function rebuildCommand(options: GlobalOptions): Promise<void> {
  const { rules } = loadRules(options);
  const store = openExistingStore(options, { cacheMb: REBUILD_CACHE_MB });
  try {
    const { events } = await store.counts();
    const leases = store.leases();
    const holder = localLeaseHolder();
    const progress = new Progress('rebuild', events, { unit: 'events' });
    const started = Date.now();
    // the replay keeps this thread busy, so the lease's timer may not get to run: progress renews it too
    const summary = await withLease(leases, REBUILD_LEASE, { holder, ttlMs: LEASE_MS }, (signal, keepAlive) =>
      rebuildProjections(
        store,
        rules,
        (n) => {
          progress.update(n, n);
          keepAlive();
        },
        { signal },
      ),
    )
      .catch((err: unknown) => {
        if (err instanceof LeaseHeldError) throw new CliError(`cannot rebuild: another rebuild of this store is running (${err.holder}); try again when it has finished`);
        if (err instanceof LeaseLostError) throw new CliError(err.message);
        throw err;
      })
      .finally(() => progress.stop());
    const seconds = (Date.now() - started) / 1000;
    if (options.json) printJson({ ...summary, seconds });
    else {
      process.stdout.write(
        `rebuilt projections from ${summary.events} events (${summary.agents} agents, ${summary.contacts} contacts) in ${seconds.toFixed(1)}s; generation ${summary.generation}\n`,
      );
    }
  } finally {
    store.close();
  }
}
