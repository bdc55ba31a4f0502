import type { ProjectableEvent } from '../parse/facts.js';
import { alertsForContacts } from '../projectors/alerts.js';
import { newerContact, projectContact, type ContactProjection } from '../projectors/contacts.js';
import { contactKey } from '../store/ports.js';
import type { ProjectionDefinition, Replay, ReplayContext } from './definition.js';

/**
 * The contact flow projection (design.md "Contact flow projection"): one row
 * per contact, from the copy of its contact record with the newest
 * LastUpdateTimestamp. Custom storage: rows are indexed by start time and
 * outcome for the contact list and the funnel.
 */
export const contactsProjection: ProjectionDefinition = {
  name: 'contacts',
  // 2: the outcome as Connect's CONTACTS_ABANDONED (docs/metrics.md, "outcome")
  version: 2,
  reads: ['contact'],
  storage: 'custom',
  changeKey: 'contacts',

  async plan(events, ctx, plan) {
    const rows = new Map<string, ContactProjection>();
    for (const p of events) {
      const row = projectContact(p.contact!, ctx.rules);
      const key = contactKey(row.instanceArn, row.contactId);
      rows.set(key, newerContact(rows.get(key), row));
    }
    if (rows.size === 0) return;
    const newest = [...rows.values()];
    const versions = await ctx.projections.getContactVersions(newest);
    // rows the store holds once the plan is committed: those written, and those
    // it holds already (the batch was delivered before), which raise their alerts again
    const current: ContactProjection[] = [];
    for (const row of newest) {
      const stored = versions.get(contactKey(row.instanceArn, row.contactId));
      if (stored === undefined || stored < row.updatedAt) plan.contacts.push(row);
      if (stored === undefined || stored <= row.updatedAt) current.push(row);
    }
    plan.writes.contacts.push(...plan.contacts);
    if (plan.contacts.length > 0) plan.changed.add(this.changeKey);
    plan.alerts.push(...alertsForContacts(current));
  },

  replay: (ctx) => new ContactReplay(ctx),
};

/** Replays contact streams: the newest copy of each contact's record. */
class ContactReplay implements Replay {
  private contact: ContactProjection | undefined;
  private ready: ContactProjection[] = [];
  readonly heldOutputs = 0;
  built = 0;

  constructor(private readonly ctx: ReplayContext) {}

  apply({ contact }: ProjectableEvent): void {
    this.contact = newerContact(this.contact, projectContact(contact!, this.ctx.rules));
  }

  endStream(): void {
    if (!this.contact) return;
    this.ready.push(this.contact);
    this.built++;
    this.contact = undefined;
  }

  get heldUnits(): number {
    return this.ready.length;
  }

  take(writes: { contacts: ContactProjection[] }): void {
    writes.contacts.push(...this.ready);
    this.ready = [];
  }
}
