import type { SimEvent } from './engine.js';

/**
 * Serialises a simulated payload exactly as JSON.stringify(event.payload) would,
 * but fast: an agent event repeats its previous snapshot, and snapshots repeat
 * the agent's Configuration, so those parts (which the simulator never changes
 * once built) are serialised once and reused. Anything of an unexpected shape
 * (e.g. a payload a caller rebuilt) falls back to JSON.stringify.
 */
export function payloadJson(e: SimEvent): string {
  const p = e.payload;
  if (e.kind !== 'agent' || !hasKeys(p, AGENT_EVENT_KEYS)) return JSON.stringify(p);
  const current = p.CurrentAgentSnapshot;
  const previous = p.PreviousAgentSnapshot;
  if (!isObject(current) || !isObject(previous)) return JSON.stringify(p);
  return (
    `{"AWSAccountId":${JSON.stringify(p.AWSAccountId)},"AgentARN":${JSON.stringify(p.AgentARN)},` +
    `"CurrentAgentSnapshot":${snapshotJson(current)},"EventId":${JSON.stringify(p.EventId)},` +
    `"EventTimestamp":${JSON.stringify(p.EventTimestamp)},"EventType":${JSON.stringify(p.EventType)},` +
    `"InstanceARN":${JSON.stringify(p.InstanceARN)},"PreviousAgentSnapshot":${snapshotJson(previous)},` +
    `"Version":${JSON.stringify(p.Version)}}`
  );
}

const AGENT_EVENT_KEYS = [
  'AWSAccountId',
  'AgentARN',
  'CurrentAgentSnapshot',
  'EventId',
  'EventTimestamp',
  'EventType',
  'InstanceARN',
  'PreviousAgentSnapshot',
  'Version',
];
const SNAPSHOT_KEYS = ['AgentStatus', 'Configuration', 'Contacts'];
const SNAPSHOT_KEYS_WITH_NEXT = ['AgentStatus', 'NextAgentStatus', 'Configuration', 'Contacts'];

const cache = new WeakMap<object, string>();

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasKeys(o: Record<string, unknown>, expected: readonly string[]): boolean {
  const keys = Object.keys(o);
  if (keys.length !== expected.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== expected[i]) return false;
  return true;
}

function cached(o: unknown): string {
  if (!isObject(o)) return JSON.stringify(o);
  let s = cache.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    cache.set(o, s);
  }
  return s;
}

function snapshotJson(s: Record<string, unknown>): string {
  let out = cache.get(s);
  if (out !== undefined) return out;
  const withNext = hasKeys(s, SNAPSHOT_KEYS_WITH_NEXT);
  if ((withNext || hasKeys(s, SNAPSHOT_KEYS)) && Array.isArray(s.Contacts)) {
    out = `{"AgentStatus":${cached(s.AgentStatus)}`;
    if (withNext) out += `,"NextAgentStatus":${cached(s.NextAgentStatus)}`;
    out += `,"Configuration":${cached(s.Configuration)},"Contacts":[${s.Contacts.map(cached).join(',')}]}`;
  } else {
    out = JSON.stringify(s);
  }
  cache.set(s, out);
  return out;
}
