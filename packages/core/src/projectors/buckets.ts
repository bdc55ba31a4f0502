import { DateTime } from 'luxon';

export interface Bucket {
  start: number;
  end: number;
}

const SLOT_MS = 15 * 60 * 1000;

/**
 * Local wall-clock buckets of 15, 30 or 60 minutes, or whole local days, in an
 * IANA zone. DST-correct: a bucket is a span of local time, so a repeated hour
 * gives two buckets and a skipped hour none; days have 23, 24 or 25 hours.
 */
export class BucketCalendar {
  private readonly cache = new Map<number, Bucket>();
  private last: Bucket | null = null;

  constructor(
    readonly zone: string,
    readonly minutes: number,
  ) {
    if (![15, 30, 60, 1440].includes(minutes)) throw new Error(`unsupported bucket size: ${minutes} minutes`);
  }

  /** The bucket containing the instant `t` (ms). */
  bucketOf(t: number): Bucket {
    const last = this.last;
    if (last && t >= last.start && t < last.end) return last;
    const slot = Math.floor(t / SLOT_MS);
    let bucket = this.cache.get(slot);
    if (!bucket || t < bucket.start || t >= bucket.end) {
      bucket = this.compute(t);
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

  private compute(t: number): Bucket {
    const start = this.startOf(t);
    let end = this.minutes === 1440 ? this.nextDay(start) : this.startOf(start + this.minutes * 60_000);
    // Around a DST change the naive next edge can fall on or before this one.
    let probe = start + this.minutes * 60_000;
    while (end <= t) {
      probe += SLOT_MS;
      end = this.startOf(probe);
    }
    return { start, end };
  }

  private startOf(t: number): number {
    const dt = DateTime.fromMillis(t, { zone: this.zone });
    if (this.minutes === 1440) return dt.startOf('day').toMillis();
    const hour = dt.startOf('hour');
    const minute = Math.floor(dt.minute / this.minutes) * this.minutes;
    // Add elapsed minutes, not wall-clock minutes, so a repeated hour keeps its offset.
    return hour.toMillis() + minute * 60_000;
  }

  private nextDay(dayStart: number): number {
    return DateTime.fromMillis(dayStart, { zone: this.zone }).plus({ days: 1 }).startOf('day').toMillis();
  }
}
