import { rebuildProjections } from '@switchboard/core';
import { REBUILD_CACHE_MB } from '@switchboard/core/sqlite';
import { loadRules, openExistingStore, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { Progress } from '../progress.js';

export async function rebuildCommand(options: GlobalOptions): Promise<void> {
  const { rules } = loadRules(options);
  const store = openExistingStore(options, { cacheMb: REBUILD_CACHE_MB });
  try {
    const { events } = await store.counts();
    const progress = new Progress('rebuild', events, { unit: 'events' });
    const started = Date.now();
    const summary = await rebuildProjections(store, rules, (n) => progress.update(n, n)).finally(() => progress.stop());
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
