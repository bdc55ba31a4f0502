import { OUTCOMES, type Outcome } from '../projectors/contacts.js';
import { isValidZone, parseInstant } from '../time.js';

/** A bad argument or query parameter: the message is shown to the user as is. */
export class ParamError extends Error {
  override name = 'ParamError';
}

const BUCKETS: Record<string, number> = { '15m': 15, '30m': 30, '1h': 60, '60m': 60, '1d': 1440, '24h': 1440 };

export function parseBucket(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const minutes = BUCKETS[value];
  if (minutes === undefined) throw new ParamError(`bucket must be one of 15m, 30m, 1h, 1d (got "${value}")`);
  return minutes;
}

/** An ISO-8601 instant (with Z or an offset) or a date (yyyy-mm-dd, midnight UTC). */
export function parseTime(name: string, value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : parseInstant(value);
  if (ms === null || !Number.isFinite(ms)) {
    throw new ParamError(`${name} must be an ISO-8601 time such as 2024-04-18T00:00:00+09:00 (got "${value}")`);
  }
  return ms;
}

export function parseTimeRange(from: string | undefined | null, to: string | undefined | null): { from?: number; to?: number } {
  const range = { from: parseTime('from', from), to: parseTime('to', to) };
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) throw new ParamError('from must be before to');
  return range;
}

export function parseOutcome(value: string | undefined | null): Outcome | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!(OUTCOMES as readonly string[]).includes(value)) throw new ParamError(`outcome must be one of ${OUTCOMES.join(', ')} (got "${value}")`);
  return value as Outcome;
}

export function parseZone(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!isValidZone(value)) throw new ParamError(`not a valid IANA time zone: "${value}"`);
  return value;
}

/** A boolean query parameter: 1/true/yes or 0/false/no. */
export function parseFlag(value: string | undefined | null): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (['1', 'true', 'yes'].includes(value)) return true;
  if (['0', 'false', 'no'].includes(value)) return false;
  throw new ParamError(`expected true or false (got "${value}")`);
}

/** A page size: a whole number from 1 to `max`. */
/** Rows to skip before a page: a whole number from 0, 0 when not given. */
export function parseOffset(value: string | undefined | null): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ParamError(`offset must be a whole number from 0 (got "${value}")`);
  return n;
}

export function parseLimit(value: string | undefined | null, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ParamError(`limit must be a whole number from 1 to ${max} (got "${value}")`);
  return n;
}
