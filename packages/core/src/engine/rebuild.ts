import type { StoredEvent } from '../model.js';
import { initialAgentState } from '../projectors/agent.js';
import { newerContact, projectContact, type ContactProjection } from '../projectors/contacts.js';
import { rulesHash, type Rules } from '../rules.js';
import type { AgentWrite, EventStore, ProjectionStore, Rebuildable } from '../store/ports.js';
import { toProjectable } from './facts.js';
import { AgentFolder, planProjection, type PlanOptions } from './projector.js';

export interface RebuildSummary {
  events: number;
  agents: number;
  contacts: number;
  generation: number;
  rulesHash: string;
}

const FLUSH_OUTPUTS = 50_000;

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
  const hash = rulesHash(rules);
  const target = await store.beginGeneration(hash);
  const summary: RebuildSummary = { events: 0, agents: 0, contacts: 0, generation: target.generation, rulesHash: hash };
  try {
    await replayInto(store, target, rules, summary, onProgress, options);
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
  summary: RebuildSummary,
  onProgress?: (events: number) => void,
  options: RebuildOptions = {},
): Promise<void> {
  let pendingAgents: AgentWrite[] = [];
  let pendingContacts: ContactProjection[] = [];
  let pendingOutputs = 0;
  const flush = async () => {
    if (pendingAgents.length === 0 && pendingContacts.length === 0) return;
    options.signal?.throwIfAborted();
    await target.commit({ agents: pendingAgents, contacts: pendingContacts });
    pendingAgents = [];
    pendingContacts = [];
    pendingOutputs = 0;
  };

  let streamId: string | null = null;
  let folder: AgentFolder | null = null;
  let contact: ContactProjection | undefined;
  const closeStream = async () => {
    if (folder && streamId) {
      pendingAgents.push(folder.drain(streamId));
      pendingOutputs += pendingAgents.at(-1)!.intervals.length;
      summary.agents++;
    }
    if (contact) {
      pendingContacts.push(contact);
      summary.contacts++;
    }
    folder = null;
    contact = undefined;
    if (pendingOutputs >= FLUSH_OUTPUTS || pendingAgents.length + pendingContacts.length >= 5_000) await flush();
  };

  for await (const stored of store.scanAll({ preferFacts: true }) as AsyncIterable<StoredEvent>) {
    if (options.signal?.aborted) options.signal.throwIfAborted();
    if (stored.streamId !== streamId) {
      await closeStream();
      streamId = stored.streamId;
    }
    const p = toProjectable(stored);
    if (p.agent) {
      folder ??= new AgentFolder(initialAgentState(p.agent.agentArn, p.agent.instanceArn), 0, options.snapshotEvery, rules);
      folder.apply(stored.sortKey, p.agent);
      if (folder.outputCount >= FLUSH_OUTPUTS) {
        pendingAgents.push(folder.drain(stored.streamId));
        await flush();
      }
    } else if (p.contact) {
      contact = newerContact(contact, projectContact(p.contact, rules));
    }
    if (++summary.events % 10_000 === 0) onProgress?.(summary.events);
  }
  await closeStream();
  await flush();
  onProgress?.(summary.events);
}
