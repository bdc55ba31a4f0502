import {
  classifyCandidates,
  Engine,
  parseRecord,
  parseRules,
  queryAgents,
  queryContacts,
  queryFunnel,
  queryIntervals,
  queryReport,
  type AgentFacts,
  toClassifiedBatch,
  type Candidate,
  type ClassifiedBatch,
  type RulesInput,
} from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';

export function candidate(payload: unknown, line = 1): Candidate {
  return { ok: true, value: payload, raw: JSON.stringify(payload), source: { origin: 'test', line } };
}

/** Raw payloads, a list per batch, validated batch by batch as Engine.ingestBatches takes them (as the parsing thread hands them over). */
export async function* classifiedBatches(batches: unknown[][]): AsyncGenerator<ClassifiedBatch> {
  for (const payloads of batches) yield toClassifiedBatch(classifyCandidates(payloads.map((p) => candidate(p))));
}

/** Parses raw agent events into facts, sorted as the engine would sort them. */
export function agentFacts(payloads: unknown[]): AgentFacts[] {
  const parsed = payloads.map((p, i) => {
    const r = parseRecord(p, JSON.stringify(p), { origin: 'test', line: i + 1 });
    if (!r.ok || !r.agent) throw new Error(`not an agent event: ${r.ok ? 'contact' : r.reason}`);
    return { facts: r.agent, key: r.event.sortKey };
  });
  return parsed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((p) => p.facts);
}

/** A fresh in-memory store with an engine. */
export function localEngine(rules: RulesInput = {}, options: { snapshotEvery?: number } = {}) {
  const store = SqliteStore.open(':memory:');
  const engine = new Engine(store, parseRules(rules), {}, () => Date.UTC(2024, 0, 1), options);
  return { store, engine, rules: parseRules(rules) };
}

/** Everything the projections answer, for comparing two stores. */
export async function projectionSnapshot(store: SqliteStore, rulesInput: RulesInput = {}) {
  const rules = parseRules(rulesInput);
  return {
    agents: await queryAgents(store),
    intervals: await queryIntervals(store, {}),
    report: await queryReport(store, rules, {}),
    contacts: await queryContacts(store, {}),
    funnel: await queryFunnel(store),
  };
}
