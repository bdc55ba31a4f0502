import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatLocal, localDate } from '@switchboard/core';

const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/London', 'America/St_Johns', 'Pacific/Chatham'];
/** DST changes in those zones, to sample the minutes around them. */
const TRANSITIONS = ['2024-03-10T07:00:00Z', '2024-11-03T06:00:00Z', '2024-04-06T15:00:00Z', '2024-10-05T15:30:00Z', '2024-03-31T01:00:00Z', '2024-10-27T01:00:00Z', '2024-03-10T05:30:00Z', '2024-04-06T14:00:00Z'].map(Date.parse);

function luxon(ms: number, zone: string) {
  const dt = DateTime.fromMillis(ms, { zone });
  return { local: dt.toFormat(dt.millisecond === 0 ? "yyyy-MM-dd'T'HH:mm:ssZZ" : "yyyy-MM-dd'T'HH:mm:ss.SSSZZ"), date: dt.toFormat('yyyy-MM-dd') };
}

describe('local time formatting (offsets remembered per 15-minute slot)', () => {
  const instant = fc.oneof(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
    fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -7_200_000, max: 7_200_000 })).map(([t, d]) => t + d),
  );
  it('agrees with Luxon for any instant and zone, DST changes included', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, zone) => {
        const expected = luxon(ms, zone);
        expect(formatLocal(ms, zone)).toBe(expected.local);
        expect(localDate(ms, zone)).toBe(expected.date);
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    [Date.parse('2024-04-17T23:47:52Z'), 'Asia/Tokyo', '2024-04-18T08:47:52+09:00'],
    [Date.parse('2024-04-17T23:47:52.123Z'), 'UTC', '2024-04-17T23:47:52.123+00:00'],
    [Date.parse('2024-11-03T05:30:00Z'), 'America/New_York', '2024-11-03T01:30:00-04:00'],
    [Date.parse('2024-11-03T06:30:00Z'), 'America/New_York', '2024-11-03T01:30:00-05:00'],
  ])('formatLocal(%s, %s) = %s', (ms, zone, out) => expect(formatLocal(ms, zone)).toBe(out));
});
