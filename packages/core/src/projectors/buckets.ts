import { DateTime } from 'luxon';
import { zoneOffsetMinutes } from '../time.js';

export interface Bucket {
  start: number;
  end: number;
}

/** Offsets change only at 15-minute boundaries (time.ts zoneOffsetMinutes), so every bucket edge is on one. */
const SLOT_MS = 15 * 60 * 1000;

/**
 * The UTC 15-minute slots that every bucket of every calendar is made of
 * whole: what stores may total report time in (the report adds slots up).
 */
export const REPORT_SLOT_MS = SLOT_MS;

/**
 * Local wall-clock buckets of 15, 30 or 60 minutes, or whole local days, in an
 * IANA zone. DST-correct: a bucket is a span of local time at one UTC offset,
 * so a repeated hour gives two buckets and a skipped hour none, and a bucket
 * cut by an offset change (Lord Howe's 30-minute, Chatham's 45-minute shifts)
 * ends at the change: no bucket is longer than its size or ends before it
 * starts. Days are local days of 23, 24 or 25 hours (23.5 or 24.5 in Lord Howe).
 */
export class BucketCalendar {
  private readonly cache = new Map<number, Bucket>();
  private last: Bucket | null = null;
  private readonly sizeMs: number;

  constructor(
    readonly zone: string,
    readonly minutes: number,
  ) {
    if (![15, 30, 60, 1440].includes(minutes)) throw new Error(`unsupported bucket size: ${minutes} minutes`);
    this.sizeMs = minutes * 60_000;
  }

  /** The bucket containing the instant `t` (ms). */
  bucketOf(t: number): Bucket {
    const last = this.last;
    if (last && t >= last.start && t < last.end) return last;
    const slot = Math.floor(t / SLOT_MS);
    let bucket = this.cache.get(slot);
    if (!bucket || t < bucket.start || t >= bucket.end) {
      bucket = this.minutes === 1440 ? this.day(t) : this.span(t);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(slot, bucket);
    }
    this.last = bucket;
    return bucket;
  }

  /** Splits [start, end) at bucket edges. */
  *split(start: number, end: number): Generator<[Bucket, number, number]> {
    let s = start;
    while (s < end) {
      const b = this.bucketOf(s);
      const e = Math.min(end, b.end);
      yield [b, s, e];
      s = e;
    }
  }

  /**
   * A sub-day bucket: the multiple of its size in local wall time that holds
   * `t`, at `t`'s offset, cut short by an offset change inside it.
   */
  private span(t: number): Bucket {
    const offsetMs = this.offset(t) * 60_000;
    const wallStart = Math.floor((t + offsetMs) / this.sizeMs) * this.sizeMs;
    let start = wallStart - offsetMs;
    let end = start + this.sizeMs;
    const offset = this.offset(t);
    // the last offset change at or before t, and the first after it, within the bucket
    for (let edge = Math.floor(t / SLOT_MS) * SLOT_MS; edge > start; edge -= SLOT_MS) {
      if (this.offset(edge - 1) !== offset) {
        start = edge;
        break;
      }
    }
    for (let edge = (Math.floor(t / SLOT_MS) + 1) * SLOT_MS; edge < end; edge += SLOT_MS) {
      if (this.offset(edge) !== offset) {
        end = edge;
        break;
      }
    }
    return { start, end };
  }

  private day(t: number): Bucket {
    const start = DateTime.fromMillis(t, { zone: this.zone }).startOf('day');
    return { start: start.toMillis(), end: start.plus({ days: 1 }).startOf('day').toMillis() };
  }

  private offset(t: number): number {
    return zoneOffsetMinutes(t, this.zone);
  }
}
