import type { EventKind, StoredEvent } from '../model.js';
import type { ProjectionDefinition, Replay } from '../projections/definition.js';
import { PROJECTIONS, projectionVersions, SNAPSHOT_EVERY } from '../projections/index.js';
import { rulesHash, type Rules } from '../rules.js';
import type { EventStore, ProjectionStore, ProjectionVersions, ProjectionWrites, Rebuildable, RebuildFlush, ResumableRebuild } from '../store/ports.js';
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

/**
 * What a rebuild holds before it writes, unless its store says otherwise
 * (Rebuildable.rebuildFlush): larger flushes rewrite fewer shared documents
 * (a queue's bucket is touched by many contacts), smaller ones keep less alive.
 */
const DEFAULT_FLUSH: RebuildFlush = { outputs: 50_000, units: 5_000 };

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
  const summary = newSummary(projections, target.generation, hash);
  try {
    await replayInto(store.scanAll({ preferFacts: true }), target, rules, projections, summary, onProgress, { ...options, fresh: true, flushAt: store.rebuildFlush });
    await switchOver(store, target, rules, summary, options);
  } catch (err) {
    if (!options.signal?.aborted) await store.dropGeneration(target.generation).catch(() => undefined);
    throw err;
  }
  return summary;
}

export interface RebuildStepOptions extends RebuildOptions {
  /** stop at the first stream boundary at or after this time (ms since the epoch), saving a checkpoint */
  deadline: number;
}

/** A step of a rebuild: finished (switched over), or stopped at a checkpoint for the next step to continue from. */
export interface RebuildStep {
  finished: boolean;
  /** what the rebuild built so far, all its steps together */
  summary: RebuildSummary;
}

/**
 * One step of a rebuild that may take longer than one process may run (a
 * Lambda invocation lasts at most 15 minutes): continues the rebuild the store
 * left unfinished under the same rules and projection versions, or begins one
 * (dropping an unfinished rebuild of other rules). It replays the event table
 * until `deadline`, then stops after a whole stream, commits what it holds and
 * saves a checkpoint for the next step; or it reaches the end and switches
 * over. The generation stays invisible to readers until that switch.
 */
export async function rebuildStep(
  store: EventStore & Rebuildable & ResumableRebuild,
  rules: Rules,
  onProgress: ((events: number) => void) | undefined,
  options: RebuildStepOptions,
): Promise<RebuildStep> {
  const projections = options.projections ?? PROJECTIONS;
  const hash = rulesHash(rules);
  const versions = projectionVersions(projections);
  const pending = await store.pendingRebuild();
  const resume = pending && pending.checkpoint.rulesHash === hash && sameVersions(pending.checkpoint.versions, versions) ? pending : null;
  const target = resume ? resume.target : await store.beginGeneration(hash, versions);
  const summary = newSummary(projections, target.generation, hash);
  if (resume) Object.assign(summary, resume.checkpoint.built);
  try {
    const scan = resume ? store.scanFrom(resume.checkpoint.position, { preferFacts: true }) : store.scanAll({ preferFacts: true });
    const stoppedAfter = await replayInto(scan, target, rules, projections, summary, onProgress, { ...options, fresh: !resume, flushAt: store.rebuildFlush }, () => Date.now() >= options.deadline);
    options.signal?.throwIfAborted();
    if (stoppedAfter) {
      const built = Object.fromEntries(['events', ...projections.map((p) => p.name)].map((k) => [k, Number(summary[k])]));
      await store.saveCheckpoint({ generation: target.generation, rulesHash: hash, versions, position: store.positionAfter(stoppedAfter), built });
      return { finished: false, summary };
    }
    await switchOver(store, target, rules, summary, options);
  } catch (err) {
    if (!options.signal?.aborted) await store.dropGeneration(target.generation).catch(() => undefined);
    throw err;
  }
  return { finished: true, summary };
}

function sameVersions(a: ProjectionVersions, b: ProjectionVersions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

function newSummary(projections: readonly ProjectionDefinition[], generation: number, hash: string): RebuildSummary {
  return { events: 0, ...Object.fromEntries(projections.map((p) => [p.name, 0])), generation, rulesHash: hash } as RebuildSummary;
}

/** Catches the generation up with the events appended since its scan began, and makes it current. */
async function switchOver(
  store: EventStore & Rebuildable,
  target: ProjectionStore & { generation: number },
  rules: Rules,
  summary: RebuildSummary,
  options: RebuildOptions,
): Promise<void> {
  options.signal?.throwIfAborted();
  await store.switchTo(target.generation, summary.rulesHash, async (events) => {
    options.signal?.throwIfAborted();
    if (events.length === 0) return;
    summary.events += events.length;
    const plan = await planProjection({ events: store, projections: target }, rules, events.map((event) => ({ event })), options);
    await target.commit(plan.writes);
  });
}

/**
 * Replays a scan of the event table into `target`. When `stop` says so at a
 * stream boundary, commits what the projections hold and returns the last
 * event replayed (the scan continues after its stream); null at the end.
 */
async function replayInto(
  scan: AsyncIterable<StoredEvent>,
  target: ProjectionStore,
  rules: Rules,
  projections: readonly ProjectionDefinition[],
  summary: RebuildSummary,
  onProgress?: (events: number) => void,
  options: RebuildOptions & { fresh?: boolean; flushAt?: RebuildFlush } = {},
  stop?: () => boolean,
): Promise<StoredEvent | null> {
  const flushAt = options.flushAt ?? DEFAULT_FLUSH;
  const ctx = { target, rules, snapshotEvery: options.snapshotEvery ?? SNAPSHOT_EVERY, fresh: options.fresh ?? false };
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
    if (outputs >= flushAt.outputs || units >= flushAt.units) await flush();
  };

  const finish = async () => {
    await flush();
    for (const { name, replay } of replays) (summary[name] as number) += replay.built;
    onProgress?.(summary.events);
  };

  let last: StoredEvent | null = null;
  for await (const stored of scan) {
    if (options.signal?.aborted) options.signal.throwIfAborted();
    if (stored.streamId !== streamId) {
      await closeStream();
      if (last && stop?.()) {
        await finish();
        return last;
      }
      streamId = stored.streamId;
      open = readers.get(stored.kind) ?? [];
    }
    if (open.length > 0) {
      const p = toProjectable(stored);
      for (const replay of open) {
        const applied = replay.apply(p);
        if (applied) await applied;
        if (replay.heldOutputs >= flushAt.outputs) await flush();
      }
    }
    last = stored;
    if (++summary.events % 10_000 === 0) onProgress?.(summary.events);
  }
  await closeStream();
  await finish();
  return null;
}
