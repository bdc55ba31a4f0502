import type { ContactFact } from '../model.js';

/**
 * What the agent is doing, derived from the contacts of its snapshot, as
 * Amazon Connect's "Agent Activity" (docs/metrics.md, "Activity"). With no
 * contacts the activity is the status name.
 */
export type Activity =
  | 'Error'
  | 'Missed'
  | 'Rejected'
  | 'OnContact'
  | 'OnHold'
  | 'Paused'
  | 'Monitoring'
  | 'AfterContactWork'
  | 'Incoming';

/** Every activity derived from contacts (any other activity name is a status name). */
export const CONTACT_ACTIVITIES: readonly Activity[] = [
  'Error',
  'Missed',
  'Rejected',
  'OnContact',
  'OnHold',
  'Paused',
  'Monitoring',
  'AfterContactWork',
  'Incoming',
];

/**
 * Activities that count as time on contact (Connect's single "On contact" is
 * split into OnContact, OnHold, Paused and Monitoring here; after-contact work
 * counts too). While the status is routable, every other activity is idle time.
 */
export const ON_CONTACT_ACTIVITIES: ReadonlySet<string> = new Set(['OnContact', 'OnHold', 'Paused', 'Monitoring', 'AfterContactWork']);

/** Initiation methods whose CONNECTING is the agent's own dial: Connect shows it as on contact. */
const DIALS: ReadonlySet<string> = new Set(['OUTBOUND', 'CALLBACK', 'EXTERNAL_OUTBOUND']);

type ContactView = Pick<ContactFact, 'state'> & { initiationMethod?: ContactFact['initiationMethod'] };

/** A contact the agent is working: connected, on hold, paused, or dialling out. */
function onContact(c: ContactView): boolean {
  const s = c.state;
  return s === 'CONNECTED' || s === 'CONNECTED_ONHOLD' || s === 'PAUSED' || (s === 'CONNECTING' && DIALS.has(c.initiationMethod ?? ''));
}

/**
 * The agent's activity: the first rule matched by any contact (Error, Missed,
 * Rejected, on contact, after-contact work, incoming), else the status name.
 * Connect keeps the status "Available" during calls and after-contact work,
 * so the contacts tell what the agent is doing.
 */
export function deriveActivity(contacts: readonly ContactView[], statusName: string): string {
  if (contacts.length === 0) return statusName;
  let error = false;
  let missed = false;
  let rejected = false;
  let working = false;
  let talking = false;
  let holding = false;
  let monitoringOnly = true;
  let ended = false;
  let incoming = false;
  for (const c of contacts) {
    switch (c.state) {
      case 'ERROR':
        error = true;
        break;
      case 'MISSED':
        missed = true;
        break;
      case 'REJECTED':
        rejected = true;
        break;
      case 'ENDED':
        ended = true;
        break;
      case 'INCOMING':
      case 'PENDING':
        incoming = true;
        break;
      default:
        if (onContact(c)) {
          working = true;
          if (c.state === 'CONNECTED' || c.state === 'CONNECTING') talking = true;
          else if (c.state === 'CONNECTED_ONHOLD') holding = true;
          if (c.initiationMethod !== 'MONITOR') monitoringOnly = false;
        } else if (c.state === 'CONNECTING') incoming = true;
    }
  }
  if (error) return 'Error';
  if (missed) return 'Missed';
  if (rejected) return 'Rejected';
  if (working) {
    if (monitoringOnly) return 'Monitoring';
    return talking ? 'OnContact' : holding ? 'OnHold' : 'Paused';
  }
  if (ended) return 'AfterContactWork';
  if (incoming) return 'Incoming';
  return statusName; // only contacts in states Connect has not documented yet
}
