/** ISO-8601 UTC with milliseconds, as agent events carry it: 2024-04-17T23:47:52.123Z */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whole seconds since the epoch (contact records truncate to the second). */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** ISO-8601 UTC in whole seconds, as contact records carry it: 2024-04-17T23:47:52Z */
export function isoSec(ms: number): string {
  const s = new Date(wholeSeconds(ms) * 1000).toISOString();
  return `${s.slice(0, 19)}Z`;
}

/** The next whole second at or after ms. */
export function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

export const SECOND = 1000;
export const MINUTE = 60_000;
