import type { EventKind } from '../model.js';
import type { ProjectionDefinition } from '../projections/definition.js';
import { emptyPlan, PROJECTIONS, SNAPSHOT_EVERY, type Plan } from '../projections/index.js';
import type { Rules } from '../rules.js';
import type { EventStore, ProjectionReader } from '../store/ports.js';
import { projectable, type ProjectableEvent } from '../parse/facts.js';

export interface PlanOptions {
  /** snapshot an agent every this many events (default SNAPSHOT_EVERY) */
  snapshotEvery?: number;
  /** the projections to keep (default PROJECTIONS) */
  projections?: readonly ProjectionDefinition[];
}

/**
 * Plans how a batch of newly appended events changes the projections: each
 * projection of the list plans the events of the kinds it reads, reading the
 * current projection state; nothing is written (the store commits the plan).
 * Events already in the event table may be in the batch again (redelivery):
 * the projections treat them idempotently.
 */
export async function planProjection(
  stores: { events: EventStore; projections: ProjectionReader },
  rules: Rules,
  batch: readonly ProjectableEvent[],
  options: PlanOptions = {},
): Promise<Plan> {
  const ctx = { events: stores.events, projections: stores.projections, rules, snapshotEvery: options.snapshotEvery ?? SNAPSHOT_EVERY };
  const plan = emptyPlan();
  const byKind = new Map<EventKind, ProjectableEvent[]>();
  for (const item of batch) {
    const p = projectable(item);
    const list = byKind.get(p.event.kind);
    if (list) list.push(p);
    else byKind.set(p.event.kind, [p]);
  }
  for (const projection of options.projections ?? PROJECTIONS) {
    const events = projection.reads.flatMap((kind) => byKind.get(kind) ?? []);
    if (events.length > 0) await projection.plan(events, ctx, plan);
  }
  return plan;
}

export type { Plan };
export type { StoredEvent } from '../model.js';
