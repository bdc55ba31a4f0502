/** The kinds of alert, each an EventBridge detail-type in AWS. */
export const ALERT_KINDS = ['LongHold', 'LongAfterContactWork', 'LongStatus', 'ContactAbandoned'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * An alert. EventBridge: source "switchboard", detail-type = `kind`, detail = the
 * whole object. `id` identifies the occurrence; an occurrence is raised once.
 */
export interface Alert {
  id: string;
  kind: AlertKind;
  /** when the threshold was crossed (or the contact ended, for ContactAbandoned) */
  at: string;
  /** false while the hold / ACW / status is still going on (raised by the sweep) */
  ended: boolean;
  agentArn: string | null;
  username: string | null;
  contactId: string | null;
  /** status name for LongStatus, outcome for ContactAbandoned */
  name: string | null;
  seconds: number;
  thresholdSeconds: number | null;
}
