import { describe, expect, it } from 'vitest';
import { BucketCalendar, buildReport, formatUtc, type Interval, type Tally } from '@switchboard/core';

const A = 'arn:aws:connect:ap-northeast-1:123456789012:instance/i/agent/a';

function iv(dimension: Interval['dimension'], name: string, start: string, end: string, extra: Partial<Interval> = {}): Interval {
  return {
    agentArn: A,
    username: 'sato',
    dimension,
    name,
    statusType: dimension === 'status' ? (name === 'Available' ? 'ROUTABLE' : name === 'Offline' ? 'OFFLINE' : 'CUSTOM') : null,
    contactId: dimension === 'contact' ? 'c1' : null,
    start: Date.parse(start),
    end: Date.parse(end),
    ...extra,
  };
}

describe('interval report', () => {
  it('given an interval crossing bucket edges, when reported in 15-minute buckets, then it is split at the edges', () => {
    const rows = buildReport([iv('activity', 'Available', '2024-04-18T00:10:00Z', '2024-04-18T00:40:00Z', { statusType: 'ROUTABLE' })], [], {
      zone: 'Asia/Tokyo',
      bucketMinutes: 15,
    });
    expect(rows.map((r) => [r.bucketStart, r.bucketEnd, r.idleSeconds])).toEqual([
      ['2024-04-18T09:00:00+09:00', '2024-04-18T09:15:00+09:00', 300],
      ['2024-04-18T09:15:00+09:00', '2024-04-18T09:30:00+09:00', 900],
      ['2024-04-18T09:30:00+09:00', '2024-04-18T09:45:00+09:00', 600],
    ]);
  });

  it('given the metric definitions, then each field sums the intervals the metric table names', () => {
    const routable = { statusType: 'ROUTABLE' };
    const custom = { statusType: 'CUSTOM' };
    const rows = buildReport(
      [
        iv('status', 'Available', '2024-04-18T00:00:00Z', '2024-04-18T00:10:00Z'),
        iv('status', 'Break', '2024-04-18T00:10:00Z', '2024-04-18T00:14:00Z'),
        iv('status', 'Offline', '2024-04-18T00:14:00Z', '2024-04-18T00:15:00Z'),
        iv('activity', 'Available', '2024-04-18T00:00:00Z', '2024-04-18T00:01:00Z', routable),
        iv('activity', 'Incoming', '2024-04-18T00:01:00Z', '2024-04-18T00:01:10Z', routable),
        iv('activity', 'OnContact', '2024-04-18T00:01:10Z', '2024-04-18T00:05:00Z', routable),
        iv('activity', 'OnHold', '2024-04-18T00:05:00Z', '2024-04-18T00:06:00Z', routable),
        iv('activity', 'AfterContactWork', '2024-04-18T00:06:00Z', '2024-04-18T00:10:00Z', routable),
        iv('activity', 'Break', '2024-04-18T00:10:00Z', '2024-04-18T00:11:00Z', custom),
        iv('activity', 'Error', '2024-04-18T00:11:00Z', '2024-04-18T00:11:30.5Z', custom),
        iv('activity', 'Break', '2024-04-18T00:11:30.5Z', '2024-04-18T00:14:00Z', custom),
        iv('activity', 'Offline', '2024-04-18T00:14:00Z', '2024-04-18T00:15:00Z', { statusType: 'OFFLINE' }),
        iv('contact', 'CONNECTED_ONHOLD', '2024-04-18T00:05:00Z', '2024-04-18T00:06:00Z'),
        iv('contact', 'ENDED', '2024-04-18T00:06:00Z', '2024-04-18T00:10:00Z'),
        iv('contact', 'ERROR', '2024-04-18T00:11:00Z', '2024-04-18T00:11:30.5Z', { contactId: 'c2' }),
      ],
      [
        { agentArn: A, kind: 'hold', contactId: 'c1', at: Date.parse('2024-04-18T00:05:00Z') },
        { agentArn: A, kind: 'handled', contactId: 'c1', at: Date.parse('2024-04-18T00:06:00Z') },
        { agentArn: A, kind: 'nonResponse', contactId: 'c3', at: Date.parse('2024-04-18T00:12:00Z') },
      ],
      { zone: 'UTC', bucketMinutes: 15 },
    );
    expect(rows).toEqual([
      {
        agentArn: A,
        username: 'sato',
        bucketStart: '2024-04-18T00:00:00+00:00',
        bucketEnd: '2024-04-18T00:15:00+00:00',
        onlineSeconds: 840,
        // routable and not on contact: Available 60 + ringing 10
        idleSeconds: 70,
        nonProductiveSeconds: 240,
        // routable and on contact: OnContact 230 + OnHold 60 + ACW 240
        onContactSeconds: 530,
        holdSeconds: 60,
        afterContactWorkSeconds: 240,
        // the Error activity, whatever the status
        errorSeconds: 30.5,
        holds: 1,
        contactsHandled: 1,
        agentNonResponse: 1,
        occupancy: 0.8833,
        statusSeconds: { Available: 600, Break: 240, Offline: 60 },
        activitySeconds: { AfterContactWork: 240, Available: 60, Break: 209.5, Error: 30.5, Incoming: 10, OnContact: 230, OnHold: 60, Offline: 60 },
      },
    ]);
  });

  it('given a shift across midnight in Tokyo, when reported daily, then the day ends at local midnight', () => {
    const rows = buildReport([iv('activity', 'OnContact', '2024-04-18T14:30:00Z', '2024-04-18T15:30:00Z', { statusType: 'ROUTABLE' })], [], {
      zone: 'Asia/Tokyo',
      bucketMinutes: 1440,
    });
    expect(rows.map((r) => [r.bucketStart, r.onContactSeconds])).toEqual([
      ['2024-04-18T00:00:00+09:00', 1800],
      ['2024-04-19T00:00:00+09:00', 1800],
    ]);
  });

  it('given the autumn DST change in New York, then the repeated hour is two hourly buckets and the day has 25 hours', () => {
    const hourly = new BucketCalendar('America/New_York', 60);
    const first = hourly.bucketOf(Date.parse('2024-11-03T05:30:00Z'));
    const second = hourly.bucketOf(Date.parse('2024-11-03T06:30:00Z'));
    expect([formatUtc(first.start), formatUtc(first.end)]).toEqual(['2024-11-03T05:00:00.000Z', '2024-11-03T06:00:00.000Z']);
    expect([formatUtc(second.start), formatUtc(second.end)]).toEqual(['2024-11-03T06:00:00.000Z', '2024-11-03T07:00:00.000Z']);
    const day = new BucketCalendar('America/New_York', 1440).bucketOf(Date.parse('2024-11-03T12:00:00Z'));
    expect((day.end - day.start) / 3_600_000).toBe(25);
  });

  it('given the spring DST change in New York, then the skipped hour has no bucket and the day has 23 hours', () => {
    const hourly = new BucketCalendar('America/New_York', 60);
    const before = hourly.bucketOf(Date.parse('2024-03-10T06:59:00Z')); // 01:59 EST
    expect(before.end).toBe(Date.parse('2024-03-10T07:00:00Z')); // 03:00 EDT
    const day = new BucketCalendar('America/New_York', 1440).bucketOf(Date.parse('2024-03-10T12:00:00Z'));
    expect((day.end - day.start) / 3_600_000).toBe(23);
  });

  it('given a zone with a half-hour offset, then hourly buckets start at local hours', () => {
    const b = new BucketCalendar('Asia/Kolkata', 60).bucketOf(Date.parse('2024-04-18T10:00:00Z'));
    expect(formatUtc(b.start)).toBe('2024-04-18T09:30:00.000Z');
  });

  it('given from/to, then intervals are clipped to the window', () => {
    const rows = buildReport([iv('activity', 'Available', '2024-04-18T00:00:00Z', '2024-04-18T01:00:00Z', { statusType: 'ROUTABLE' })], [], {
      zone: 'UTC',
      bucketMinutes: 60,
      from: Date.parse('2024-04-18T00:20:00Z'),
      to: Date.parse('2024-04-18T00:50:00Z'),
    });
    expect(rows.map((r) => r.idleSeconds)).toEqual([1800]);
  });

  it('given 30-minute buckets, then tallies land in the bucket of their moment', () => {
    const tallies: Tally[] = [
      { agentArn: A, kind: 'handled', contactId: 'x', at: Date.parse('2024-04-18T00:29:59.999Z') },
      { agentArn: A, kind: 'handled', contactId: 'y', at: Date.parse('2024-04-18T00:30:00Z') },
    ];
    const rows = buildReport([], tallies, { zone: 'UTC', bucketMinutes: 30 });
    expect(rows.map((r) => [r.bucketStart, r.contactsHandled])).toEqual([
      ['2024-04-18T00:00:00+00:00', 1],
      ['2024-04-18T00:30:00+00:00', 1],
    ]);
  });
});

describe('interval report with states still going on', () => {
  it('given an agent Available since login with only heartbeats since, then the report counts up to the last event and the closed report has nothing', async () => {
    const { localEngine, candidate } = await import('./harness.js');
    const { agentEvent } = await import('./builders.js');
    const { queryReport } = await import('@switchboard/core');
    const { store, engine, rules } = localEngine();
    await engine.ingestBatch([
      candidate(agentEvent({ type: 'LOGIN', at: '2024-04-18T00:00:00.000Z', status: 'Available' })),
      candidate(agentEvent({ type: 'HEART_BEAT', at: '2024-04-18T00:02:00.000Z', status: 'Available' })),
    ]);
    expect(await queryReport(store, rules, { closed: true })).toEqual([]);
    const open = await queryReport(store, rules, {});
    expect(open.map((r) => [r.onlineSeconds, r.idleSeconds])).toEqual([[120, 120]]);
  });
});
