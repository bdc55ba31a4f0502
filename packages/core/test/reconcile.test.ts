import { describe, expect, it } from 'vitest';
import { buildReportIn, compareWithConnect, disjointGroups, readMetricData, Windows, type Interval, type ReportRow } from '@switchboard/core';

const A = 'arn:aws:connect:ap-northeast-1:123456789012:instance/i/agent/agent-7';
const T = (hm: string) => Date.parse(`2024-04-18T${hm}:00Z`);
const result = (start: string, end: string, metrics: Record<string, number | null>, extra: Record<string, unknown> = {}) => ({
  Dimensions: { AGENT: 'agent-7' },
  MetricInterval: { Interval: 'FIFTEEN_MIN', StartTime: T(start) / 1000, EndTime: T(end) / 1000 },
  Collections: Object.entries(metrics).map(([Name, Value]) => ({ Metric: { Name, ...extra }, Value })),
});

describe('reading a saved GetMetricDataV2 response', () => {
  const page1 = { MetricResults: [result('10:00', '10:15', { SUM_IDLE_TIME_AGENT: 60 })], NextToken: 'next' };
  const page2 = { MetricResults: [result('10:15', '10:30', { SUM_IDLE_TIME_AGENT: 30 })] };

  it.each([
    ['one response (the AWS CLI merges pages)', JSON.stringify({ MetricResults: [...page1.MetricResults, ...page2.MetricResults] }, null, 2), 1],
    ['a JSON array of pages', JSON.stringify([page1, page2]), 2],
    ['pages as JSON Lines', `${JSON.stringify(page1)}\n${JSON.stringify(page2)}\n`, 2],
    ['pretty-printed pages one after another', `${JSON.stringify(page1, null, 2)}\n${JSON.stringify(page2, null, 2)}\n`, 2],
  ])('given %s, then every result is read', (_, text, pages) => {
    const file = readMetricData(text);
    expect(file.pages).toBe(pages);
    expect(file.results.map((r) => [r.agent, r.start, r.end, r.interval, r.values])).toEqual([
      ['agent-7', T('10:00'), T('10:15'), 'FIFTEEN_MIN', [{ metric: 'SUM_IDLE_TIME_AGENT', value: 60, variant: false }]],
      ['agent-7', T('10:15'), T('10:30'), 'FIFTEEN_MIN', [{ metric: 'SUM_IDLE_TIME_AGENT', value: 30, variant: false }]],
    ]);
  });

  it('given ISO-8601 times (the AWS CLI prints timestamps so), then they read as the same instants', () => {
    const r = { ...result('10:00', '10:15', {}), MetricInterval: { StartTime: '2024-04-18T19:00:00+09:00', EndTime: '2024-04-18T10:15:00+00:00' } };
    expect(readMetricData(JSON.stringify({ MetricResults: [r] })).results[0]).toMatchObject({ start: T('10:00'), end: T('10:15'), interval: null });
  });

  it('given a metric with a threshold or metric filters, then its values are marked as a variant', () => {
    const r = result('10:00', '10:15', { CONTACTS_HANDLED: 3 }, { MetricFilters: [{ MetricFilterKey: 'INITIATION_METHOD', MetricFilterValues: ['OUTBOUND'] }] });
    expect(readMetricData(JSON.stringify({ MetricResults: [r] })).results[0]!.values).toEqual([{ metric: 'CONTACTS_HANDLED', value: 3, variant: true }]);
  });

  it.each([
    ['{"MetricResults": [', /line 1: truncated JSON value at end of input/],
    ['{"Results": []}', /line 1: not a GetMetricDataV2 response \(no MetricResults array\)/],
    ['', /no GetMetricDataV2 response in the file/],
    [JSON.stringify({ MetricResults: [{ ...result('10:00', '10:15', {}), Dimensions: { QUEUE: 'q' } }] }), /MetricResults\[0\]: no AGENT dimension/],
    [JSON.stringify({ MetricResults: [{ ...result('10:00', '10:15', {}), MetricInterval: { StartTime: 'soon', EndTime: 1 } }] }), /StartTime: expected epoch seconds or an ISO-8601 time, got "soon"/],
    [JSON.stringify({ MetricResults: [result('10:15', '10:00', {})] }), /ends before it starts/],
  ])('given %j, then the error says where and why', (text, message) => {
    expect(() => readMetricData(text)).toThrow(message);
  });
});

describe('the report over the intervals of a response', () => {
  const iv = (name: string, start: string, end: string): Interval => ({
    agentArn: A,
    username: 'nana',
    dimension: 'activity',
    name,
    statusType: 'ROUTABLE',
    contactId: null,
    start: T(start),
    end: T(end),
  });

  it('given windows with a gap, then time is split into them and time outside them is left out', () => {
    const rows = buildReportIn(new Windows([{ start: T('10:30'), end: T('11:00') }, { start: T('10:00'), end: T('10:15') }]), [iv('Available', '09:50', '10:40')], [], { zone: 'UTC' });
    expect(rows.map((r) => [r.bucketStart, r.idleSeconds])).toEqual([
      ['2024-04-18T10:00:00+00:00', 900],
      ['2024-04-18T10:30:00+00:00', 600],
    ]);
  });

  it('given overlapping windows (FIFTEEN_MIN and TOTAL pages), then they are kept in groups of disjoint ones', () => {
    const q = { start: T('10:00'), end: T('10:15') };
    const total = { start: T('10:00'), end: T('11:00') };
    expect(disjointGroups([q, total, { start: T('10:15'), end: T('10:30') }, q])).toEqual([[q, { start: T('10:15'), end: T('10:30') }], [total]]);
  });
});

describe('comparing with Connect', () => {
  const row = (over: Partial<ReportRow>): ReportRow =>
    ({ agentArn: A, username: 'nana', bucketStart: '', bucketEnd: '', onlineSeconds: 900, idleSeconds: 600, onContactSeconds: 300, occupancy: 0.3333, contactsHandled: 2, holdSeconds: 30, afterContactWorkSeconds: 60, ...over }) as ReportRow;
  const agents = new Map([['agent-7', { agentArn: A, username: 'nana' }]]);
  const file = (metrics: Record<string, number | null>) => readMetricData(JSON.stringify({ MetricResults: [result('10:00', '10:15', metrics)] })).results;

  it('given values within the tolerance, then they agree; occupancy compares as a percentage', () => {
    const r = compareWithConnect(file({ SUM_IDLE_TIME_AGENT: 603, AGENT_OCCUPANCY: 33.9, CONTACTS_HANDLED: 2 }), agents, () => row({}));
    expect(r.differing).toBe(0);
    expect(r.intervals.map((c) => [c.field, c.connect, c.switchboard, c.difference])).toEqual([
      ['idleSeconds', 603, 600, -3],
      ['occupancy', 33.9, 33.33, -0.57],
      ['contactsHandled', 2, 2, 0],
    ]);
  });

  it('given a count one off, or idle time 6 s off, then each differs beyond the tolerance', () => {
    const r = compareWithConnect(file({ SUM_IDLE_TIME_AGENT: 606, CONTACTS_HANDLED: 3 }), agents, () => row({}));
    expect(r.intervals.map((c) => c.withinTolerance)).toEqual([false, false]);
    expect(r.differing).toBe(2);
  });

  it('given Connect could not compute occupancy (null) and neither could Switchboard, then they agree; a sum Connect leaves null is 0', () => {
    const r = compareWithConnect(file({ AGENT_OCCUPANCY: null, SUM_ERROR_STATUS_TIME_AGENT: null }), agents, () => row({ occupancy: null, errorSeconds: 0 }));
    expect(r.intervals.map((c) => [c.connect, c.switchboard, c.withinTolerance])).toEqual([
      [null, null, true],
      [0, 0, true],
    ]);
  });

  it('given an agent this store has no events of, then it is listed and compared as zeros', () => {
    const r = compareWithConnect(file({ SUM_ONLINE_TIME_AGENT: 60 }), new Map(), () => undefined);
    expect(r.unknownAgents).toEqual(['agent-7']);
    expect(r.intervals[0]).toMatchObject({ agentArn: null, switchboard: 0, difference: -60, withinTolerance: false });
  });

  it('given metrics Switchboard has not, metric variants and hold time per interval, then each is listed with the reason', () => {
    const results = [
      ...file({ AVG_HANDLE_TIME: 300, CONTACTS_PUT_ON_HOLD: 1, SUM_HOLD_TIME: 45 }),
      ...readMetricData(JSON.stringify({ MetricResults: [result('10:15', '10:30', { SUM_HOLD_TIME: 0 }), result('10:15', '10:30', { CONTACTS_HANDLED: 1 }, { Threshold: [{ Comparison: 'LT', ThresholdValue: 20 }] })] })).results,
    ];
    const r = compareWithConnect(results, agents, (_, start) => row({ holdSeconds: start === T('10:00') ? 30 : 15 }));
    expect(r.notCompared.map((n) => n.metric)).toEqual([
      'AVG_HANDLE_TIME',
      'CONTACTS_HANDLED (with a threshold or metric filters)',
      'CONTACTS_PUT_ON_HOLD',
      'SUM_HOLD_TIME per interval',
    ]);
    expect(r.intervalsOfTotals.map((c) => [c.connect, c.switchboard])).toEqual([
      [45, 30],
      [0, 15],
    ]);
    expect(r.totals).toEqual([expect.objectContaining({ metric: 'SUM_HOLD_TIME', start: T('10:00'), end: T('10:30'), connect: 45, switchboard: 45, withinTolerance: true })]);
    expect(r.differing).toBe(0);
  });
});
