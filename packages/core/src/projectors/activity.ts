import type { ContactFact } from '../model.js';

export type Activity =
  | 'OnContact'
  | 'OnHold'
  | 'Incoming'
  | 'AfterContactWork'
  | 'Missed'
  | 'Error'
  | 'Paused';

/** Activities that count as time on contact in the interval report. */
export const ON_CONTACT_ACTIVITIES: ReadonlySet<string> = new Set(['OnContact', 'OnHold', 'AfterContactWork']);

const RULES: ReadonlyArray<[Activity, ReadonlySet<string>]> = [
  ['OnContact', new Set(['CONNECTED'])],
  ['OnHold', new Set(['CONNECTED_ONHOLD'])],
  ['Incoming', new Set(['INCOMING', 'PENDING', 'CONNECTING'])],
  ['AfterContactWork', new Set(['ENDED'])],
  ['Missed', new Set(['MISSED', 'REJECTED'])],
  ['Error', new Set(['ERROR'])],
  ['Paused', new Set(['PAUSED'])],
];

/**
 * The agent's activity: the first rule matched by any contact, else the status
 * name. Connect keeps the status "Available" during calls and after-contact work,
 * so the contacts tell what the agent is doing.
 */
export function deriveActivity(contacts: readonly Pick<ContactFact, 'state'>[], statusName: string): string {
  if (contacts.length === 0) return statusName;
  for (const [activity, states] of RULES) {
    for (const c of contacts) if (states.has(c.state)) return activity;
  }
  return statusName; // only contacts in states Connect has not documented yet
}
