import { setTimeout as delay } from 'node:timers/promises';
import type { SimEvent } from './engine.js';

export interface PaceOptions {
  /** simulated seconds per wall-clock second; 1 = real time; default 1 */
  speed?: number;
  /** the wall clock, ms since the epoch; default Date.now */
  now?: () => number;
  /** stops the iteration (it ends quietly) */
  signal?: AbortSignal;
  /**
   * the simulated instant that corresponds to the moment pacing starts; default:
   * the wall clock then, so at speed 1 an event is released when the clock shows
   * its time, and events from before now (the live simulator starts a little in
   * the past) are released at once
   */
  origin?: number;
  /** waits; default a timer. Tests pass one that advances a fake clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Long waits are cut into slices so that a changed clock or an abort is noticed. */
const MAX_SLEEP_MS = 1_000;

const timerSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : undefined);

/**
 * Yields each event when the wall clock reaches it: simulated time runs
 * `speed` times as fast as the clock from `origin` on. For the live local
 * runtime: `paceLive(simulate({ hours: Infinity }), { speed })`.
 */
export async function* paceLive(
  events: Iterable<SimEvent> | AsyncIterable<SimEvent>,
  options: PaceOptions = {},
): AsyncGenerator<SimEvent> {
  const speed = options.speed ?? 1;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) {
    throw new RangeError(`speed must be a positive number, got ${String(speed)}`);
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timerSleep;
  const { signal } = options;
  const wallStart = now();
  const origin = options.origin ?? wallStart;
  for await (const e of events) {
    for (;;) {
      if (signal?.aborted) return;
      const wait = wallStart + (e.at - origin) / speed - now();
      if (wait <= 0) break;
      try {
        await sleep(Math.min(wait, MAX_SLEEP_MS), signal);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
    }
    if (signal?.aborted) return;
    yield e;
  }
}

/**
 * Splits a simulation at `origin`: `past` yields the events before it (the
 * live simulator starts a little in the past, so that the centre is already
 * busy), then `live` yields the rest. Iterate `past` to its end first.
 */
export function splitAtOrigin(events: Iterator<SimEvent>, origin: number): { past: Generator<SimEvent>; live: Generator<SimEvent> } {
  let first: SimEvent | undefined;
  function* past(): Generator<SimEvent> {
    for (let next = events.next(); !next.done; next = events.next()) {
      if (next.value.at >= origin) {
        first = next.value;
        return;
      }
      yield next.value;
    }
  }
  function* live(): Generator<SimEvent> {
    if (first) yield first;
    for (let next = events.next(); !next.done; next = events.next()) yield next.value;
  }
  return { past: past(), live: live() };
}
