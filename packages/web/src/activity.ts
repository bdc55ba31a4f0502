import type { AgentView } from './types.js';

/** The activities derived from contacts (docs/metrics.md, "Activity"). */
export const CONTACT_ACTIVITIES = ['OnContact', 'OnHold', 'Incoming', 'AfterContactWork', 'Missed', 'Rejected', 'Error', 'Paused', 'Monitoring'] as const;

export const ACTIVITY_LABELS: Record<string, string> = {
  OnContact: 'On contact',
  OnHold: 'On hold',
  AfterContactWork: 'After contact work',
  Incoming: 'Incoming',
  Missed: 'Missed',
  Rejected: 'Rejected',
  Error: 'Error',
  Paused: 'Paused',
  Monitoring: 'Monitoring',
};

export const activityLabel = (name: string): string => ACTIVITY_LABELS[name] ?? name;

export type ActivityClass =
  | 'oncontact'
  | 'onhold'
  | 'incoming'
  | 'acw'
  | 'missed'
  | 'error'
  | 'paused'
  | 'available'
  | 'custom'
  | 'offline';

const CLASS_OF: Record<string, ActivityClass> = {
  OnContact: 'oncontact',
  OnHold: 'onhold',
  Incoming: 'incoming',
  AfterContactWork: 'acw',
  Missed: 'missed',
  Rejected: 'missed',
  Error: 'error',
  Paused: 'paused',
  Monitoring: 'oncontact',
};

export function classify(a: AgentView): ActivityClass {
  if (!a.loggedIn) return 'offline';
  const name = a.activity?.name ?? a.status?.name ?? '';
  const known = CLASS_OF[name];
  if (known) return known;
  const type = a.status?.type;
  if (type === 'OFFLINE') return 'offline';
  if (type === 'CUSTOM') return 'custom';
  if (type === 'ROUTABLE' || name === 'Available') return 'available';
  return 'custom';
}

export const COLOURS: Record<string, string> = {
  OnContact: '#2563eb',
  OnHold: '#d97706',
  AfterContactWork: '#7c3aed',
  Incoming: '#0891b2',
  Missed: '#dc2626',
  Rejected: '#ea580c',
  Error: '#7f1d1d',
  Paused: '#475569',
  Monitoring: '#4f46e5',
  Available: '#16a34a',
  Offline: '#9ca3af',
};

/** Custom statuses (Break, Lunch, Training...) get a stable colour from their name. */
const CUSTOM_PALETTE = ['#be185d', '#a16207', '#0f766e', '#4d7c0f', '#c2410c', '#86198f', '#57534e', '#155e75'];
const COMMON_CUSTOM: Record<string, string> = { Break: '#be185d', Lunch: '#0f766e', Training: '#57534e', Meeting: '#4d7c0f' };

export function activityColour(name: string): string {
  const known = COLOURS[name] ?? COMMON_CUSTOM[name];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return CUSTOM_PALETTE[Math.abs(h) % CUSTOM_PALETTE.length]!;
}

export function agentColour(a: AgentView, cls: ActivityClass): string {
  if (cls === 'offline') return COLOURS.Offline!;
  if (cls === 'available') return COLOURS.Available!;
  return activityColour(a.activity?.name ?? a.status?.name ?? '');
}

export const CHANNEL_LABELS: Record<string, string> = { VOICE: 'Voice', CHAT: 'Chat', TASK: 'Task', EMAIL: 'Email' };

export const CONTACT_STATE_LABELS: Record<string, string> = {
  CONNECTED: 'Connected',
  CONNECTED_ONHOLD: 'On hold',
  INCOMING: 'Incoming',
  PENDING: 'Pending',
  CONNECTING: 'Connecting',
  ENDED: 'ACW',
  MISSED: 'Missed',
  REJECTED: 'Rejected',
  ERROR: 'Error',
  PAUSED: 'Paused',
};
