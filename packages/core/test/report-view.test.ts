import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportView } from '../src/api/report-view.js';
import type { ReportRow } from '../src/api/views.js';

const ARN = (id: string) => `arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/agent/${id}`;
const HOUR = 3_600_000;
const T0 = Date.parse('2024-04-18T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

/** A row as the report makes one: times in whole ms, occupancy from its own sums. */
function row(agent: string, username: string | null, hour: number, s: { online: number; idle: number; onContact: number; custom?: number; handled?: number }): ReportRow {
  return {
    agentArn: ARN(agent),
    username,
    bucketStart: iso(T0 + hour * HOUR),
    bucketEnd: iso(T0 + (hour + 1) * HOUR),
    onlineSeconds: s.online,
    idleSeconds: s.idle,
    nonProductiveSeconds: s.custom ?? 0,
    onContactSeconds: s.onContact,
    holdSeconds: 0,
    afterContactWorkSeconds: 0,
    errorSeconds: 0,
    holds: 0,
    contactsHandled: s.handled ?? 0,
    agentNonResponse: 0,
    occupancy: s.onContact + s.idle === 0 ? null : Math.round((s.onContact / (s.onContact + s.idle)) * 10_000) / 10_000,
    statusSeconds: {},
    activitySeconds: {},
  };
}

const ALL = { offset: 0, limit: 10_000 };

describe('the dashboard report view (GET /api/report/view)', () => {
  it('given agents named agent10, agent2 and one without a username, then they are listed by name as people read numbers, rows by agent then time', () => {
    const rows = [
      row('c', 'agent10', 1, { online: 60, idle: 60, onContact: 0 }),
      row('a', 'agent2', 1, { online: 60, idle: 60, onContact: 0 }),
      row('c', 'agent10', 0, { online: 60, idle: 60, onContact: 0 }),
      row('zzz-no-name', null, 0, { online: 60, idle: 60, onContact: 0 }),
    ];
    const view = reportView(rows, ALL);
    expect(view.agents.map((a) => a.name)).toEqual(['agent2', 'agent10', 'zzz-no-name']);
    expect(view.rows.map((r) => [r.username, r.bucketStart.slice(11, 13)])).toEqual([
      ['agent2', '01'],
      ['agent10', '00'],
      ['agent10', '01'],
      [null, '00'],
    ]);
  });

  it('given two agents, when one is chosen by ARN or by username, then rows, buckets and totals are that agent’s and the list still names both', () => {
    const rows = [row('a', 'aiko', 0, { online: 900, idle: 300, onContact: 600, handled: 3 }), row('b', 'ben', 0, { online: 900, idle: 900, onContact: 0 })];
    for (const agent of [ARN('a'), 'aiko']) {
      const view = reportView(rows, { ...ALL, agent });
      expect(view.agents.map((a) => a.name)).toEqual(['aiko', 'ben']);
      expect(view.rowCount).toBe(1);
      expect(view.rows[0]!.username).toBe('aiko');
      expect(view.buckets).toEqual([
        { bucketStart: rows[0]!.bucketStart, bucketEnd: rows[0]!.bucketEnd, onlineSeconds: 900, onContactSeconds: 600, idleSeconds: 300, nonProductiveSeconds: 0, longestOnlineSeconds: 900 },
      ]);
      expect(view.totals.contactsHandled).toBe(3);
    }
  });

  it('given a busy and an idle agent, then the total occupancy is worked out from the summed times, not averaged over rows', () => {
    const rows = [row('a', 'busy', 0, { online: 3600, idle: 0, onContact: 3600 }), row('b', 'idle', 0, { online: 1200, idle: 1200, onContact: 0 })];
    const { totals } = reportView(rows, ALL);
    // 3600 / (3600 + 1200), where the mean of the rows' occupancies would be 0.5
    expect(totals.occupancy).toBe(0.75);
    expect(totals.onlineSeconds).toBe(4800);
  });

  it('given no rows, then nothing is listed and ratios are null', () => {
    const view = reportView([], ALL);
    expect(view).toMatchObject({ agents: [], rowCount: 0, rows: [], buckets: [] });
    expect(view.totals.occupancy).toBeNull();
    expect(view.totals.onlineSeconds).toBe(0);
  });

  it('given an offset past the end, then the page is empty and says where it starts', () => {
    const view = reportView([row('a', 'a', 0, { online: 1, idle: 1, onContact: 0 })], { offset: 5, limit: 10 });
    expect(view.rows).toEqual([]);
    expect(view.rowCount).toBe(1);
    expect(view.offset).toBe(1);
  });

  const seconds = fc.integer({ min: 0, max: 3_600_000 }).map((ms) => ms / 1000);
  const rowsArb = fc
    .uniqueArray(
      fc.record({
        agent: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        hour: fc.integer({ min: 0, max: 23 }),
        idle: seconds,
        onContact: seconds,
        custom: seconds,
        handled: fc.nat(20),
      }),
      { selector: (r) => `${r.agent}|${r.hour}`, maxLength: 60 },
    )
    .map((list) =>
      list.map((r) => row(r.agent, r.agent === 'e' ? null : `agent${'abcd'.indexOf(r.agent) * 7}`, r.hour, { ...r, online: (Math.round(r.idle * 1000) + Math.round(r.onContact * 1000) + Math.round(r.custom * 1000)) / 1000 })),
    );

  it('property: the pages, read one after another, are every chosen row exactly once; buckets and totals are the sums of those rows', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 7 }), fc.option(fc.constantFrom(ARN('a'), ARN('e'), 'agent7'), { nil: undefined }), (rows, limit, agent) => {
        const chosen = rows.filter((r) => !agent || r.agentArn === agent || r.username === agent);
        const first = reportView(rows, { agent, offset: 0, limit });
        const paged: ReportRow[] = [];
        for (let offset = 0; offset < first.rowCount; offset += limit) paged.push(...reportView(rows, { agent, offset, limit }).rows);
        expect(first.rowCount).toBe(chosen.length);
        expect(new Set(paged)).toEqual(new Set(chosen));
        expect(paged).toHaveLength(chosen.length);
        // each agent's rows together and in time order
        const agentsSeen = paged.map((r) => r.agentArn).filter((a, i, all) => i === 0 || all[i - 1] !== a);
        expect(new Set(agentsSeen).size).toBe(agentsSeen.length);
        for (let i = 1; i < paged.length; i++) if (paged[i]!.agentArn === paged[i - 1]!.agentArn) expect(paged[i]!.bucketStart > paged[i - 1]!.bucketStart).toBe(true);
        // sums, in whole ms as the rows were made
        const sumMs = (rs: ReportRow[], f: 'onlineSeconds' | 'idleSeconds' | 'onContactSeconds' | 'nonProductiveSeconds') => rs.reduce((s, r) => s + Math.round(r[f] * 1000), 0) / 1000;
        expect(first.totals.onlineSeconds).toBe(sumMs(chosen, 'onlineSeconds'));
        expect(first.totals.contactsHandled).toBe(chosen.reduce((s, r) => s + r.contactsHandled, 0));
        const starts = [...new Set(chosen.map((r) => r.bucketStart))].sort();
        expect(first.buckets.map((b) => b.bucketStart)).toEqual(starts);
        for (const b of first.buckets) {
          const inIt = chosen.filter((r) => r.bucketStart === b.bucketStart);
          expect(b.idleSeconds).toBe(sumMs(inIt, 'idleSeconds'));
          expect(b.onContactSeconds).toBe(sumMs(inIt, 'onContactSeconds'));
          expect(b.nonProductiveSeconds).toBe(sumMs(inIt, 'nonProductiveSeconds'));
          expect(b.longestOnlineSeconds).toBe(Math.max(...inIt.map((r) => r.onlineSeconds)));
        }
        // every agent of the range is listed whatever was chosen
        expect(new Set(first.agents.map((a) => a.agentArn))).toEqual(new Set(rows.map((r) => r.agentArn)));
      }),
    );
  });
});
