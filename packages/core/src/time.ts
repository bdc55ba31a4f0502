import { DateTime } from 'luxon';

/** Connect timestamps outside this window are treated as corrupt input, not data. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);
export const LATEST_PLAUSIBLE_MS = Date.UTC(2100, 0, 1);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds since the epoch for an ISO-8601 instant with a zone designator, or null. */
export function parseInstant(value: string): number | null {
  if (!ISO_INSTANT.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export function isPlausibleInstant(ms: number): boolean {
  return ms >= EARLIEST_PLAUSIBLE_MS && ms < LATEST_PLAUSIBLE_MS;
}

/** UTC ISO-8601 with milliseconds, e.g. 2019-05-25T18:55:27.017Z. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The instant as ISO-8601 in the given IANA zone with its offset, e.g.
 * 2024-04-18T08:47:52+09:00. Milliseconds appear only when they are not zero.
 */
export function formatLocal(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  const pattern = dt.millisecond === 0 ? "yyyy-MM-dd'T'HH:mm:ssZZ" : "yyyy-MM-dd'T'HH:mm:ss.SSSZZ";
  return dt.toFormat(pattern);
}

/** The calendar date (yyyy-MM-dd) of the instant in the given zone. */
export function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** Seconds with millisecond precision from a duration in milliseconds. */
export function msToSeconds(ms: number): number {
  return ms / 1000;
}
