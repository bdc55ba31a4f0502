import { describe, expect, it } from 'vitest';
import { queryAgents, queryContacts, queryIntervals, rulesHash, parseRules, maskNumber, maskName } from '@switchboard/core';
import { agentEvent, contactRecord } from './builders.js';
import { candidate, localEngine } from './harness.js';

const KEY = 'a-long-enough-secret-key';

async function ingestMorning(privacy: Record<string, string>) {
  const { store, engine } = localEngine({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', privacy });
  await engine.ingestBatch([
    candidate(agentEvent({ type: 'LOGIN', at: '2024-04-18T00:00:00.000Z', agent: 'a1', username: 'sato.taro' })),
    candidate(agentEvent({ type: 'STATE_CHANGE', at: '2024-04-18T00:01:00.000Z', agent: 'a1', username: 'sato.taro', status: 'Break' })),
    candidate(
      contactRecord({
        contactId: 'c1',
        initiation: '2024-04-18T00:00:00Z',
        customer: '+819012345678',
        agent: { username: 'sato.taro', connected: '2024-04-18T00:00:30Z' },
      }),
    ),
  ]);
  return { store, contacts: await queryContacts(store, {}), agents: await queryAgents(store), intervals: await queryIntervals(store, {}) };
}

describe('privacy of customer numbers and agent names', () => {
  it('given mask, then numbers keep only their last four digits and names their ends, while the raw events keep everything', async () => {
    const { store, contacts, agents, intervals } = await ingestMorning({ customerNumbers: 'mask', agentNames: 'mask' });
    expect(contacts[0]).toMatchObject({ customerNumber: '+********5678', customerNumberNational: '*******5678', agentUsername: 's*******o' });
    expect(agents[0]!.username).toBe('s*******o');
    expect(intervals.every((i) => i.username === 's*******o')).toBe(true);
    const raw = [];
    for await (const e of store.scanAll()) raw.push(e.raw);
    expect(raw.join('\n')).toContain('+819012345678');
  });

  it('given hash, then values become stable keyed pseudonyms that still group', async () => {
    const a = await ingestMorning({ customerNumbers: 'hash', agentNames: 'hash', hashKey: KEY });
    const b = await ingestMorning({ customerNumbers: 'hash', agentNames: 'hash', hashKey: KEY });
    expect(a.contacts[0]!.customerNumber).toMatch(/^h:[0-9a-f]{16}$/);
    expect(a.contacts[0]).toEqual(b.contacts[0]);
    expect(a.agents[0]!.username).toBe(a.contacts[0]!.agentUsername);
    const other = await ingestMorning({ customerNumbers: 'hash', agentNames: 'hash', hashKey: `${KEY}-2` });
    expect(other.contacts[0]!.customerNumber).not.toBe(a.contacts[0]!.customerNumber);
  });

  it('given a privacy change, then the rules hash changes so the projections are reported stale', () => {
    const keep = rulesHash(parseRules({}));
    expect(rulesHash(parseRules({ privacy: { customerNumbers: 'mask' } }))).not.toBe(keep);
    expect(rulesHash(parseRules({ privacy: { customerNumbers: 'keep', agentNames: 'keep' } }))).toBe(keep);
  });

  it.each([
    ['+81312345678', '+*******5678'],
    ['0312345678', '******5678'],
    ['123', '123'],
  ])('maskNumber(%s) = %s', (v, out) => expect(maskNumber(v)).toBe(out));

  it.each([
    ['sato', 's**o'],
    ['ab', '**'],
    ['佐藤太郎', '佐**郎'],
  ])('maskName(%s) = %s', (v, out) => expect(maskName(v)).toBe(out));
});
