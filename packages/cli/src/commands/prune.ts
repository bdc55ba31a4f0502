import { CliError, loadRules, openExistingStore, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';

export interface PruneOptions extends GlobalOptions {
  eventDays?: string;
  projectionDays?: string;
  dryRun?: boolean;
}

const DAY_MS = 86_400_000;

function days(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${name} must be a whole number of days (got "${value}")`, 2);
  return n;
}

/** Applies the retention of the rules (or the flags): deletes events and projections older than that. */
export async function pruneCommand(options: PruneOptions): Promise<void> {
  const { rules } = loadRules(options);
  const eventDays = days('event-days', options.eventDays, rules.retention.eventDays);
  const projectionDays = days('projection-days', options.projectionDays, rules.retention.projectionDays);
  if (eventDays === undefined && projectionDays === undefined) {
    throw new CliError('nothing to prune: set retention.eventDays / retention.projectionDays in the rules, or pass --event-days / --projection-days', 2);
  }
  const now = Date.now();
  const store = openExistingStore(options);
  try {
    const counts = store.prune(
      {
        eventsBefore: eventDays === undefined ? undefined : now - eventDays * DAY_MS,
        projectionsBefore: projectionDays === undefined ? undefined : now - projectionDays * DAY_MS,
      },
      options.dryRun,
    );
    if (options.json) return printJson({ dryRun: Boolean(options.dryRun), eventDays: eventDays ?? null, projectionDays: projectionDays ?? null, deleted: counts });
    const list = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ');
    process.stdout.write(`${options.dryRun ? 'would delete' : 'deleted'} ${list}\n`);
  } finally {
    store.close();
  }
}
