import { isPlausibleInstant, parseInstant } from '../time.js';

/**
 * Checks of single fields of a decoded JSON payload, for readers that validate
 * what they read in the same pass and nothing else: no copy of the payload,
 * no check of fields nobody reads. A failed check throws Invalid with the
 * field's path and what was wrong; readers catch it once per record.
 */
export class Invalid extends Error {
  constructor(
    /** "CurrentAgentSnapshot.Contacts[0].State" style; empty for the record as a whole */
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }

  /** The same problem, seen from the object that holds `at`. */
  within(at: string): Invalid {
    return new Invalid(this.path.startsWith('[') || !this.path ? `${at}${this.path}` : `${at}.${this.path}`, this.problem);
  }
}

export type Fields = Record<string, unknown>;

/** Reads each field that `readers` names with its reader, in that order; the rest of `fields` is not looked at. */
export function readEach<R extends Record<string, (value: unknown, name: string) => unknown>>(
  fields: Fields,
  readers: R,
): { [K in keyof R]: ReturnType<R[K]> } {
  const out: Fields = {};
  for (const [name, read] of Object.entries(readers)) out[name] = read(fields[name], name);
  return out as { [K in keyof R]: ReturnType<R[K]> };
}

export function isFields(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function wrongType(name: string, expected: string, value: unknown): Invalid {
  return value === undefined ? new Invalid(name, 'required field is missing') : new Invalid(name, `expected ${expected}, got ${describeValue(value)}`);
}

// Each check takes the field's value, read by the caller (`text(e.EventId,
// 'EventId')`), not the object and a key: a property read at its own call site
// keeps V8's inline cache for that field, where one shared `o[key]` becomes
// megamorphic (contact records read a third faster so). The name is only for
// the rejection reason.

/** A required string with at least one character. */
export function text(value: unknown, name: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value === '') throw new Invalid(name, 'expected a non-empty string, got ""');
  throw wrongType(name, 'string', value);
}

/** A string, null or absent. */
export function optionalText(value: unknown, name: string): string | null | undefined {
  if (typeof value === 'string' || value === undefined || value === null) return value;
  throw wrongType(name, 'string', value);
}

/** A number, null or absent. */
export function optionalNumber(value: unknown, name: string): number | null | undefined {
  if (typeof value === 'number' || value === undefined || value === null) return value;
  throw wrongType(name, 'number', value);
}

/** An object, null or absent. */
export function optionalFields(value: unknown, name: string): Fields | null | undefined {
  if (isFields(value) || value === undefined || value === null) return value;
  throw wrongType(name, 'object', value);
}

/** A required object. */
export function fields(value: unknown, name: string): Fields {
  if (isFields(value)) return value;
  throw wrongType(name, 'object', value);
}

/** An array, null or absent. Its items are the reader's to check. */
export function optionalList(value: unknown, name: string): unknown[] | null | undefined {
  if (Array.isArray(value) || value === undefined || value === null) return value;
  throw wrongType(name, 'array', value);
}

/** One of the listed strings. */
export function oneOf<T extends string>(value: unknown, name: string, options: readonly T[]): T {
  if (options.includes(value as T)) return value as T;
  if (value === undefined) throw wrongType(name, 'string', value);
  throw new Invalid(name, `Invalid option: expected one of ${options.map((x) => JSON.stringify(x)).join('|')}, got ${describeValue(value)}`);
}

const INSTANT_PROBLEM = 'expected an ISO-8601 timestamp between 2000 and 2100';

/** A required ISO-8601 instant with a zone designator, as ms since the epoch. */
export function instant(value: unknown, name: string): number {
  if (typeof value !== 'string') throw wrongType(name, 'string', value);
  const ms = parseInstant(value);
  if (ms === null || !isPlausibleInstant(ms)) throw new Invalid(name, `${INSTANT_PROBLEM}, got ${describeValue(value)}`);
  return ms;
}

/** An ISO-8601 instant, null or absent: the string as given. */
export function optionalInstant(value: unknown, name: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  instant(value, name);
  return value as string;
}

/** Runs a check of a nested object or list item, naming where it sits when it fails. */
export function inside<T>(at: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw err instanceof Invalid ? err.within(at) : err;
  }
}
