import fc from 'fast-check';
import { describe, it } from 'vitest';
import { simulate } from '../src/simulator/index.js';
import { assertConsistent, collect } from './simulator-helpers.js';

describe('simulator: properties over seeds and sizes', () => {
  it('given any seed, centre size, length and load, then the traffic is internally consistent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (seed, agents, hours, callsPerAgentHour) => {
          assertConsistent(collect(simulate({ seed, agents, hours, callsPerAgentHour })));
        },
      ),
      { numRuns: Number(process.env.SIM_RUNS ?? 25) },
    );
  });

  it('given a long run across shift handovers, then the traffic is internally consistent', () => {
    assertConsistent(collect(simulate({ seed: 5, agents: 4, hours: 26 })));
  });
});
