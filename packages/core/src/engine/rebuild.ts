import type { EventKind, StoredEvent } from '../model.js';
import type { ProjectionDefinition, Replay } from '../projections/definition.js';
import { PROJECTIONS, projectionVersions, SNAPSHOT_EVERY } from '../projections/index.js';
import { rulesHash, type Rules } from '../rules.js';
import type { EventStore, ProjectionStore, ProjectionWrites, Rebuildable } from '../store/ports.js';
import { toProjectable } from '../parse/facts.js';
import { planProjection, type PlanOptions } from './planner.js';

export interface RebuildSummary {
  events: number;
  /** what each projection built, by projection name: agents, contacts, documents */
  [projection: string]: number | string;
  agents: number;
  contacts: number;
  generation: number;
  rulesHash: string;
}

/** A rebuild commits what the projections hold once their outputs (e.g. intervals) reach this many ... */
const FLUSH_OUTPUTS = 50_000;
/** ... or their units (agents, contact rows, documents) this many. */
const FLUSH_UNITS = 5_000;

export interface RebuildOptions extends PlanOptions {
  /**
   * Stops the rebuild (with the signal's reason) before its next write or the
   * switch: a rebuild that lost its lease. Its half-built generation is left
   * for the next rebuild to drop, since the holder that took over may be
   * building one of the same number.
   */
  signal?: AbortSignal;
}

/**
 * Replays the whole event table into a fresh generation of projections under
 * `rules` and switches over only when it is complete: until then, and if the
 * rebuild dies, the old projections keep serving. Replays raise no alerts.
 */
export async function rebuildProjections(
  store: EventStore & Rebuildable,
  rules: Rules,
  onProgress?: (events: number) => void,
  options: RebuildOptions = {},
): Promise<RebuildSummary> {
  const projections = options.projections ?? PROJECTIONS;
  const hash = rulesHash(rules);
  const target = await store.beginGeneration(hash, projectionVersions(projections));
  const summary = {
    events: 0,
    ...Object.fromEntries(projections.map((p) => [p.name, 0])),
    generation: target.generation,
    rulesHash: hash,
  } as RebuildSummary;
  try {
    await replayInto(store, target, rules, projections, summary, onProgress, options);
    options.signal?.throwIfAborted();
    await store.switchTo(target.generation, hash, async (events) => {
      options.signal?.throwIfAborted();
      if (events.length === 0) return;
      summary.events += events.length;
      const plan = await planProjection({ events: store, projections: target }, rules, events.map((event) => ({ event })), options);
      await target.commit(plan.writes);
    });
  } catch (err) {
    if (!options.signal?.aborted) await store.dropGeneration(target.generation).catch(() => undefined);
    throw err;
  }
  return summary;
}

async function replayInto(
  store: EventStore,
  target: ProjectionStore,
  rules: Rules,
  projections: readonly ProjectionDefinition[],
  summary: RebuildSummary,
  onProgress?: (events: number) => void,
  options: RebuildOptions = {},
): Promise<void> {
  const ctx = { target, rules, snapshotEvery: options.snapshotEvery ?? SNAPSHOT_EVERY };
  const replays = projections.map((p) => ({ name: p.name, replay: p.replay(ctx) }));
  const readers = new Map<EventKind, Replay[]>();
  projections.forEach((p, i) => {
    for (const kind of p.reads) readers.set(kind, [...(readers.get(kind) ?? []), replays[i]!.replay]);
  });

  const flush = async () => {
    const writes: Required<ProjectionWrites> = { agents: [], contacts: [], documents: [] };
    for (const { replay } of replays) {
      await replay.settle?.();
      replay.take(writes);
    }
    if (writes.agents.length + writes.contacts.length + writes.documents.length === 0) return;
    options.signal?.throwIfAborted();
    await target.commit(writes);
  };

  let streamId: string | null = null;
  let open: Replay[] = [];
  const closeStream = async () => {
    let outputs = 0;
    let units = 0;
    for (const replay of open) {
      const ended = replay.endStream();
      if (ended) await ended;
    }
    for (const { replay } of replays) {
      outputs += replay.heldOutputs;
      units += replay.heldUnits;
    }
    if (outputs >= FLUSH_OUTPUTS || units >= FLUSH_UNITS) await flush();
  };

  for await (const stored of store.scanAll({ preferFacts: true }) as AsyncIterable<StoredEvent>) {
    if (options.signal?.aborted) options.signal.throwIfAborted();
    if (stored.streamId !== streamId) {
      await closeStream();
      streamId = stored.streamId;
      open = readers.get(stored.kind) ?? [];
    }
    if (open.length > 0) {
      const p = toProjectable(stored);
      for (const replay of open) {
        const applied = replay.apply(p);
        if (applied) await applied;
        if (replay.heldOutputs >= FLUSH_OUTPUTS) await flush();
      }
    }
    if (++summary.events % 10_000 === 0) onProgress?.(summary.events);
  }
  await closeStream();
  await flush();
  for (const { name, replay } of replays) summary[name] = replay.built;
  onProgress?.(summary.events);
}
