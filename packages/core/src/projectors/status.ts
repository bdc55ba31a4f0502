import type { StatusFact } from '../model.js';

export const STATUS_TYPES = ['ROUTABLE', 'CUSTOM', 'OFFLINE'] as const;
export type StatusType = (typeof STATUS_TYPES)[number];

/** The rules key `statusTypes`: the type of a status by name, for payloads that omit AgentStatus.Type. */
export type StatusTypeRules = Readonly<Record<string, StatusType>>;

/** Older payloads omit AgentStatus.Type; Connect's built-in names tell it. */
export function inferStatusType(name: string): StatusType {
  if (name === 'Offline') return 'OFFLINE';
  if (name === 'Available') return 'ROUTABLE';
  return 'CUSTOM';
}

/**
 * The type of an agent status, which every metric classifies by (never the
 * name: Connect lets the routable status be renamed). Connect's own
 * AgentStatus.Type when the payload has it (a type Connect has not
 * documented counts as CUSTOM: neither routable nor offline); otherwise the rules' statusTypes,
 * else the built-in names. Applied by the agent projector, so a rules change
 * and a rebuild retype stored events (docs/metrics.md, "Status type").
 */
export function statusTypeOf(status: StatusFact, statusTypes: StatusTypeRules): StatusType {
  if (status.type !== null) return (STATUS_TYPES as readonly string[]).includes(status.type) ? (status.type as StatusType) : 'CUSTOM';
  return statusTypes[status.name] ?? inferStatusType(status.name);
}
