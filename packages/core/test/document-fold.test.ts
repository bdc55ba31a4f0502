/**
 * The document fold writes a document only when an event changed it: a
 * projection's evolve returns the very document it was given when the event
 * changes nothing, and the fold then has no write for it, in either store.
 */
import { describe, expect, it } from 'vitest';
import { DocumentFold, foldQueueContacts, mergeObservation, parseRules, type DocumentProjectionSpec, type ProjectableEvent } from '@switchboard/core';
import { eventObservations, recordObservation, SALES, type ContactStory } from './queue-scenarios.js';

interface Counter {
  value: number;
}
/** A test event: the value it sets (an event with the value the document holds changes nothing). */
const setTo = (value: number) => ({ value }) as unknown as ProjectableEvent;
const counter: DocumentProjectionSpec<Counter> = {
  name: 'counter',
  version: 1,
  reads: ['contactEvent'],
  keys: () => ['k'],
  evolve: (doc, e) => {
    const value = (e as unknown as Counter).value;
    return doc?.value === value ? doc : { value };
  },
};
const rules = parseRules({});
const nothingStored = async () => new Map();

describe('document fold: writes follow changes only', () => {
  it('given a document folded and taken, when events that change nothing come, then the fold has no write; when one changes it, one write at the next version', async () => {
    const fold = new DocumentFold(counter, rules);
    await fold.apply([setTo(1), setTo(2)], nothingStored);
    expect(fold.take()).toMatchObject([{ key: 'k', doc: { value: 2 }, version: 1, expectedVersion: 0 }]);
    await fold.apply([setTo(2), setTo(2)], nothingStored);
    expect(fold.take()).toEqual([]);
    await fold.apply([setTo(3)], nothingStored);
    expect(fold.take()).toMatchObject([{ key: 'k', doc: { value: 3 }, version: 2, expectedVersion: 1 }]);
  });

  it('given a document read from the store, when an event changes nothing, then it is not written back', async () => {
    const fold = new DocumentFold(counter, rules);
    const stored = async () => new Map([['k', { key: 'k', doc: { value: 5 }, at: null, version: 7 }]]);
    await fold.apply([setTo(5)], stored);
    expect(fold.take()).toEqual([]);
  });
});

describe('queue contact documents: a repeated observation changes nothing', () => {
  const T = Date.UTC(2024, 3, 18, 1, 0, 0);
  const s = (seconds: number) => T + seconds * 1000;
  const story: ContactStory = { id: 'c', initiated: s(0), queue: SALES, enqueued: s(5), agent: 'alice', connected: s(30), disconnected: s(200), completed: s(230), interaction: 170 };
  const observations = [...eventObservations(story), recordObservation(story)];

  it('given a contact folded from all its events and record, when any of them comes again, then the merge returns the very same document (no write)', () => {
    const contact = foldQueueContacts(observations).values().next().value!;
    for (const o of observations) expect(mergeObservation(contact, o)).toBe(contact);
  });

  it('given a contact folded from its first event, when a later event comes, then the merge returns a new document and leaves the old one as it was', () => {
    const first = foldQueueContacts(observations.slice(0, 1)).values().next().value!;
    const before = structuredClone(first);
    const next = mergeObservation(first, observations[1]!);
    expect(next).not.toBe(first);
    expect(first).toEqual(before);
  });
});
