import type { Alert } from '../alert.js';
import { rulesHash, type Rules } from '../rules.js';
import type { ProjectionMeta, ProjectionReader, ProjectionVersions } from '../store/ports.js';
import { agentsProjection } from './agents.js';
import { contactsProjection } from './contacts.js';
import type { ProjectionDefinition } from './definition.js';
import { queueContactsProjection } from './queues.js';

/**
 * Every projection Switchboard keeps. The engine plans, `rebuild` replays,
 * the stale check compares versions and the sweep raises alerts by going
 * through this list; a new projection is one more entry.
 */
export const PROJECTIONS: readonly ProjectionDefinition[] = [agentsProjection, contactsProjection, queueContactsProjection];

/** The version of each projection, by name, as a generation records it when it is built. */
export function projectionVersions(projections: readonly ProjectionDefinition[] = PROJECTIONS): ProjectionVersions {
  return Object.fromEntries(projections.map((p) => [p.name, p.version]));
}

/** What stores record for generations built before projections had versions: the projections of that time, at version 1. */
const UNRECORDED_VERSIONS: ProjectionVersions = { agents: 1, contacts: 1 };

/** Why projections are stale: built under other rules, or by other versions of some definitions (never built counts too). */
export interface Staleness {
  rules: boolean;
  /** names of the projections whose build is of another version than the code's */
  projections: string[];
}

/** Compares what a generation was built with to the current rules and definitions. A generation that holds nothing yet is current. */
export function stalenessOf(meta: ProjectionMeta, hash: string, projections: readonly ProjectionDefinition[] = PROJECTIONS): Staleness {
  if (meta.rulesHash === null) return { rules: false, projections: [] };
  const built = meta.versions ?? UNRECORDED_VERSIONS;
  return { rules: meta.rulesHash !== hash, projections: projections.filter((p) => built[p.name] !== p.version).map((p) => p.name) };
}

export async function staleness(
  store: { meta(): Promise<ProjectionMeta> },
  rules: Rules,
  projections: readonly ProjectionDefinition[] = PROJECTIONS,
): Promise<Staleness> {
  return stalenessOf(await store.meta(), rulesHash(rules), projections);
}

export function isStaleBuild(s: Staleness): boolean {
  return s.rules || s.projections.length > 0;
}

/** Change notifications: each projection's change key, true where the batch changed its rows. */
export type ProjectionChanges = { intervals: boolean; contacts: boolean } & Record<string, boolean>;

export function projectionChanges(changed: ReadonlySet<string>, projections: readonly ProjectionDefinition[] = PROJECTIONS): ProjectionChanges {
  return Object.fromEntries(projections.map((p) => [p.changeKey, changed.has(p.changeKey)])) as ProjectionChanges;
}

/** Every projection changed (another process wrote the store). */
export function allProjectionsChanged(projections: readonly ProjectionDefinition[] = PROJECTIONS): ProjectionChanges {
  return projectionChanges(new Set(projections.map((p) => p.changeKey)), projections);
}

/** Alerts for occurrences still going on at `now`, from every projection that raises them. */
export async function ongoingAlerts(
  projections: ProjectionReader,
  now: number,
  rules: Rules,
  definitions: readonly ProjectionDefinition[] = PROJECTIONS,
): Promise<Alert[]> {
  const out: Alert[] = [];
  for (const p of definitions) if (p.ongoingAlerts) out.push(...(await p.ongoingAlerts(projections, now, rules)));
  return out;
}

export type { ProjectionDefinition, Plan, PlanContext, Replay, ReplayContext, Storage } from './definition.js';
export { emptyPlan } from './definition.js';
export { agentsProjection, AgentFolder, SNAPSHOT_EVERY } from './agents.js';
export { contactsProjection } from './contacts.js';
export { documentProjection, readDocuments, DocumentFold, type DocumentProjection, type DocumentProjectionSpec } from './documents.js';
export { queueContactsProjection, queueContactAt, recentQueueContacts, QUEUE_CONTACTS } from './queues.js';
