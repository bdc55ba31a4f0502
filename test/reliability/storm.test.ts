import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../packages/cli/src/simulator/index.js';
import { candidate, localEngine, projectionSnapshot } from '../../packages/core/test/harness.js';

/**
 * A duplicate storm: a simulated day where every event is delivered one to five
 * times, shuffled across agents and records, in batches of random size. The
 * projections must equal an in-order, once-only run.
 */
describe('duplicate storms and shuffled delivery', () => {
  it('gives projections identical to the clean run', async () => {
    const rules = { timezone: 'Asia/Tokyo', phoneRegion: 'JP' };
    const events = [...simulate({ agents: 12, hours: 5, seed: 31 })].map((e) => e.payload);
    expect(events.length).toBeGreaterThan(2_000);

    const clean = localEngine(rules);
    await clean.engine.ingestBatch(events.map((e) => candidate(e)));
    const expected = await projectionSnapshot(clean.store, rules);

    // one seeded plan of the storm: copies per event, order, batch sizes
    const [plan] = fc.sample(
      fc.record({
        copies: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: events.length, maxLength: events.length }),
        keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: events.length * 5, maxLength: events.length * 5 }),
        sizes: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 50, maxLength: 50 }),
      }),
      { numRuns: 1, seed: 42 },
    );
    const deliveries = events.flatMap((e, i) => Array.from({ length: plan!.copies[i]! }, () => e));
    const order = deliveries.map((e, i) => ({ e, k: plan!.keys[i]! })).sort((a, b) => a.k - b.k).map((d) => d.e);

    const storm = localEngine(rules, { snapshotEvery: 16 });
    let duplicates = 0;
    for (let i = 0, b = 0; i < order.length; b++) {
      const n = plan!.sizes[b % plan!.sizes.length]!;
      duplicates += (await storm.engine.ingestBatch(order.slice(i, i + n).map((e) => candidate(e)))).duplicates;
      i += n;
    }
    expect(duplicates).toBe(deliveries.length - new Set(events.map((e) => JSON.stringify(e))).size);
    expect(await projectionSnapshot(storm.store, rules)).toEqual(expected);
  }, 120_000);
});
