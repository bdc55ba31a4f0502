import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyFilter } from '../src/projections/key-filter.js';

describe('key filter (what a rebuild remembers of the documents it wrote)', () => {
  it('never forgets a key it was given', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 0, maxLength: 60 }), { maxLength: 500 }), (keys) => {
        const filter = new KeyFilter();
        for (const k of keys) filter.add(k);
        return keys.every((k) => filter.mayHave(k));
      }),
    );
  });

  it('given many more keys than its first filter holds, then every one is still found, few others are, and it stays a few bits per key', () => {
    const filter = new KeyFilter();
    const instance = 'arn:aws:connect:ap-northeast-1:123456789012:instance/5f1e4c2a-1111-2222-3333-444455556666';
    const key = (i: number) => `${instance}/${i.toString(16).padStart(8, '0')}-7a1b-4c2d-8e3f-${(i * 7919).toString(16).padStart(12, '0')}`;
    const n = 300_000;
    for (let i = 0; i < n; i++) filter.add(key(i));
    for (let i = 0; i < n; i += 97) expect(filter.mayHave(key(i))).toBe(true);
    let falsePositives = 0;
    const probes = 50_000;
    for (let i = n; i < n + probes; i++) if (filter.mayHave(key(i))) falsePositives++;
    expect(falsePositives / probes).toBeLessThan(0.05);
    // an exact set of these keys would hold about 180 bytes per key
    expect(filter.bytes / n).toBeLessThan(4);
  });
});
