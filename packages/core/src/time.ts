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

const SLOT_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * The zone's UTC offset in minutes at the instant, from the IANA database
 * (through Luxon). Offsets change only at 15-minute boundaries (every rule
 * since well before 2000), so they are remembered per zone and 15-minute slot:
 * formatting thousands of contact times costs one lookup each.
 */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  const key = `${zone}|${Math.floor(ms / SLOT_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(ms, { zone }).offset;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * The instant as ISO-8601 in the given IANA zone with its offset, e.g.
 * 2024-04-18T08:47:52+09:00. Milliseconds appear only when they are not zero.
 */
export function formatLocal(ms: number, zone: string): string {
  const offset = zoneOffsetMinutes(ms, zone);
  const wall = new Date(ms + offset * 60_000).toISOString(); // the local wall time, labelled Z
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  const suffix = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${ms % 1000 === 0 ? wall.slice(0, 19) : wall.slice(0, 23)}${suffix}`;
}

/** The calendar date (yyyy-MM-dd) of the instant in the given zone. */
export function localDate(ms: number, zone: string): string {
  return new Date(ms + zoneOffsetMinutes(ms, zone) * 60_000).toISOString().slice(0, 10);
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
