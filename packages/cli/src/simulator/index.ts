/**
 * The traffic simulator: deterministic, seeded, internally consistent Amazon
 * Connect agent events and contact records, plus ways to write them to a
 * file, pace them in real time, or put them on a Kinesis stream.
 */
import { Simulation, type SimEvent } from './engine.js';
import { resolveOptions, type SimulatorOptions } from './options.js';

export type { SimEvent } from './engine.js';
export type { SimulatorOptions } from './options.js';
export { DEFAULT_START, LIVE_LEAD_MS } from './options.js';
export { EXIT_POINTS } from './ivr.js';
export { payloadJson } from './json.js';
export { writeSimulation, type WriteOptions, type WriteResult } from './writers.js';
export { paceLive, splitAtOrigin, type PaceOptions } from './live.js';
export { putToKinesis, type PutOptions, type PutResult } from './kinesis.js';

/**
 * Simulated Connect traffic, in non-decreasing `at`. Finite runs (`hours`)
 * end once the last contact record is delivered; `hours: Infinity` never ends.
 * Options are checked at once (RangeError), before the first event.
 */
export function simulate(options: SimulatorOptions = {}): Generator<SimEvent> {
  return new Simulation(resolveOptions(options)).events();
}
