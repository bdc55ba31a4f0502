import { describe, expect, it } from 'vitest';
import { REPORT_METRIC_TABLE, REPORT_METRICS, reportMetricLabel, reportMetricUnit } from '../src/api/views.js';

describe('report metric columns', () => {
  it('given the metrics of a report row, then each has the heading and unit the metric table declares', () => {
    expect(REPORT_METRICS.map(reportMetricLabel)).toEqual(REPORT_METRIC_TABLE.map((m) => m.label));
    expect(REPORT_METRICS.map(reportMetricUnit)).toEqual(REPORT_METRIC_TABLE.map((m) => m.unit));
    expect(new Set(REPORT_METRICS.map(reportMetricUnit))).toEqual(new Set(['seconds', 'count', 'ratio']));
  });

  it('given a field that is not a report metric, then it is named as itself and counted', () => {
    expect(reportMetricLabel('ringSeconds')).toBe('ringSeconds');
    expect(reportMetricUnit('ringSeconds')).toBe('count');
  });
});
