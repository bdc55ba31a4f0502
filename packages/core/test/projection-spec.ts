/**
 * Given/when/then specifications of a projection. Every example runs three
 * ways, which must all give the expected rows:
 *  1. the pure fold of the distinct events, in the engine's order;
 *  2. the SQLite engine: the `given` events in one batch, then the `when`
 *     events one per batch, `numberOfTimes` over, in their order and (with
 *     `shuffled`) in other orders: duplicates, late events and the store path;
 *  3. a rebuild of that store from its event table.
 *
 *   await spec.given(login, available).when([callStarts, callEnds], { numberOfTimes: 2, shuffled: true }).then(rows => ...)
 */
import { expect } from 'vitest';
import {
  classifyCandidates,
  Engine,
  foldAgentEvents,
  newerContact,
  parseRules,
  protectAgentName,
  projectContact,
  PROJECTIONS,
  readDocuments,
  rebuildProjections,
  agentsProjection,
  contactsProjection,
  contactKey,
  type AgentFacts,
  type AgentState,
  type ContactProjection,
  type DocumentProjection,
  type Interval,
  type ProjectableEvent,
  type ProjectionDefinition,
  type ProjectionReader,
  type Rules,
  type RulesInput,
  type Tally,
} from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';
import { candidate } from './harness.js';

/** What a spec compares for one projection: its rows from a pure fold, and as a store holds them. */
export interface SpecSubject<R> {
  projection: ProjectionDefinition;
  /** the rows of the events (distinct, in sort-key order) folded without a store */
  fold(events: readonly ProjectableEvent[], rules: Rules): R;
  /** the rows the store holds */
  read(store: ProjectionReader, rules: Rules): Promise<R>;
}

export interface WhenOptions {
  /** deliver each `when` event this many times (default 1) */
  numberOfTimes?: number;
  /** also deliver the `when` events reversed and in three seeded random orders */
  shuffled?: boolean;
}

type Expectation<R> = R | ((rows: R, path: string) => void);

/** A spec for `subject` under `rules`: `given(...events).when(events, options).then(expected)`. */
export function projectionSpec<R>(subject: SpecSubject<R>, rules: RulesInput = {}) {
  return {
    given: (...given: unknown[]) => ({
      when: (when: unknown[], options: WhenOptions = {}) => ({
        then: (expected: Expectation<R>) => check(subject, rules, given, when, options, expected),
      }),
    }),
  };
}

async function check<R>(subject: SpecSubject<R>, rulesInput: RulesInput, given: unknown[], when: unknown[], options: WhenOptions, expected: Expectation<R>) {
  const rules = parseRules(rulesInput);
  const verify = (rows: R, path: string) => {
    if (typeof expected === 'function') (expected as (rows: R, path: string) => void)(rows, path);
    else expect(rows, path).toEqual(expected);
  };

  verify(subject.fold(distinctInOrder([...given, ...when]), rules), 'pure fold');

  const times = options.numberOfTimes ?? 1;
  const orders: Array<[string, unknown[]]> = [['in order', when]];
  if (options.shuffled) {
    orders.push(['reversed', [...when].reverse()]);
    for (const seed of [1, 2, 3]) orders.push([`shuffled (seed ${seed})`, shuffle(when, seed)]);
  }
  const projections = PROJECTIONS.includes(subject.projection) ? PROJECTIONS : [...PROJECTIONS, subject.projection];
  for (const [name, order] of orders) {
    const store = SqliteStore.open(':memory:');
    try {
      const engine = new Engine(store, rules, {}, () => Date.UTC(2024, 0, 1), { projections });
      if (given.length > 0) await engine.ingestBatch(given.map((p, i) => candidate(p, i + 1)));
      for (let n = 0; n < times; n++) for (const [i, p] of order.entries()) await engine.ingestBatch([candidate(p, given.length + i + 1)]);
      const path = `SQLite engine, when-events ${name}${times > 1 ? ` x${times}` : ''}`;
      verify(await subject.read(store, rules), path);
      await rebuildProjections(store, rules, undefined, { projections });
      verify(await subject.read(store, rules), `${path}, then rebuilt`);
    } finally {
      store.close();
    }
  }
}

/** The events of the payloads as the event table keeps them: repeats dropped, in sort-key order. */
function distinctInOrder(payloads: unknown[]): ProjectableEvent[] {
  const { accepted, rejected } = classifyCandidates(payloads.map((p, i) => candidate(p, i + 1)));
  if (rejected.length > 0) throw new Error(`a spec event does not parse: ${rejected[0]!.rejection.reason}`);
  return [...accepted.values()]
    .map(({ event, agent, contact }) => ({ event: { ...event, receivedAt: 0 }, agent, contact }))
    .sort((a, b) => compare(a.event.sortKey, b.event.sortKey) || compare(a.event.streamId, b.event.streamId));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A seeded permutation (mulberry32), so that a failing order can be replayed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The agent projection's rows: every agent's state, its closed intervals and its tallies, in a stable order. */
export interface AgentRows {
  agents: AgentState[];
  intervals: Interval[];
  tallies: Tally[];
}

export const agentRows: SpecSubject<AgentRows> = {
  projection: agentsProjection,
  fold(events, rules) {
    const byAgent = new Map<string, AgentFacts[]>();
    for (const { agent } of events) {
      if (!agent) continue;
      const facts = rules.privacy.agentNames === 'keep' ? agent : { ...agent, username: protectAgentName(agent.username, rules.privacy) };
      byAgent.set(agent.agentArn, [...(byAgent.get(agent.agentArn) ?? []), facts]);
    }
    const rows: AgentRows = { agents: [], intervals: [], tallies: [] };
    for (const list of byAgent.values()) {
      const { state, outputs } = foldAgentEvents(list);
      rows.agents.push(state!);
      rows.intervals.push(...outputs.intervals);
      rows.tallies.push(...outputs.tallies);
    }
    return sortAgentRows(rows);
  },
  async read(store) {
    const rows: AgentRows = { agents: await store.listAgents(), intervals: [], tallies: [] };
    for await (const i of store.intervals({})) rows.intervals.push(i);
    for await (const t of store.tallies({})) rows.tallies.push(t);
    return sortAgentRows(rows);
  },
};

function sortAgentRows(rows: AgentRows): AgentRows {
  const dimension = { status: 0, activity: 1, contact: 2 };
  rows.agents.sort((a, b) => compare(a.agentArn, b.agentArn));
  rows.intervals.sort(
    (a, b) => compare(a.agentArn, b.agentArn) || a.start - b.start || dimension[a.dimension] - dimension[b.dimension] || compare(a.contactId ?? '', b.contactId ?? ''),
  );
  rows.tallies.sort((a, b) => compare(a.agentArn, b.agentArn) || a.at - b.at || compare(a.kind, b.kind) || compare(a.contactId, b.contactId));
  return rows;
}

/** The contact projection's rows, by contact id. */
export const contactRows: SpecSubject<ContactProjection[]> = {
  projection: contactsProjection,
  fold(events, rules) {
    const rows = new Map<string, ContactProjection>();
    for (const e of events) {
      if (!e.contact) continue;
      const row = projectContact(e.contact, rules);
      const key = contactKey(row.instanceArn, row.contactId);
      rows.set(key, newerContact(rows.get(key), row));
    }
    return [...rows.values()].sort((a, b) => compare(a.contactId, b.contactId));
  },
  async read(store) {
    const rows: ContactProjection[] = [];
    for await (const c of store.contacts({})) rows.push(c);
    return rows.sort((a, b) => compare(a.contactId, b.contactId));
  },
};

/** A document projection's documents, by key (the pure fold applies `evolve` to each key in event order). */
export function documentRows<D>(projection: DocumentProjection<D>): SpecSubject<Record<string, D>> {
  const { spec } = projection;
  return {
    projection,
    fold(events, rules) {
      const docs = new Map<string, D | null>();
      for (const e of events) for (const key of spec.keys(e, rules)) docs.set(key, spec.evolve(docs.get(key) ?? null, e, key, rules));
      return Object.fromEntries([...docs].filter((entry): entry is [string, D] => entry[1] !== null).sort(([a], [b]) => compare(a, b)));
    },
    async read(store) {
      const docs = await readDocuments<D>(store, spec.name);
      return Object.fromEntries(docs.map((d) => [d.key, d.doc] as const).sort(([a], [b]) => compare(a, b)));
    },
  };
}
