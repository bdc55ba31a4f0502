/**
 * A projection declared for tests only, to show and check what a new
 * projection takes: a definition on the generic documents table (its keys and
 * its pure fold) and an entry in the list the engine and rebuild are given
 * (PROJECTIONS, in the product). Neither store changes for it.
 *
 * Contacts per queue: for each queue, the contacts whose records named it,
 * with the newest LastUpdateTimestamp seen of each, filed under the latest
 * disconnect time. A union of newest-wins entries, so any order of delivery
 * and any repeat give the same document.
 */
import { documentProjection, parseInstant, PROJECTIONS } from '@switchboard/core';

export interface QueueContacts {
  queue: string;
  /** contact id -> LastUpdateTimestamp (ms) of the newest record seen */
  contacts: Record<string, number>;
  lastDisconnectAt: number | null;
}

export const contactsPerQueue = documentProjection<QueueContacts>({
  name: 'contactsPerQueue',
  version: 1,
  reads: ['contact'],
  keys: ({ contact }) => (contact?.Queue?.Name ? [contact.Queue.Name] : []),
  evolve(doc, { contact }, queue) {
    const updatedAt = parseInstant(contact!.LastUpdateTimestamp)!;
    const disconnectAt = contact!.DisconnectTimestamp ? parseInstant(contact!.DisconnectTimestamp) : null;
    const seen = doc?.contacts[contact!.ContactId];
    const last = doc?.lastDisconnectAt ?? null;
    return {
      queue,
      contacts: { ...doc?.contacts, [contact!.ContactId]: Math.max(seen ?? updatedAt, updatedAt) },
      lastDisconnectAt: disconnectAt === null ? last : Math.max(last ?? disconnectAt, disconnectAt),
    };
  },
  at: (doc) => doc.lastDisconnectAt,
});

/** The product's projections and the example. */
export const WITH_EXAMPLE = [...PROJECTIONS, contactsPerQueue];
