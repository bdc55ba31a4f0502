import { describe, expect, it } from 'vitest';
import { REPORT_METRICS, reportMetricLabel, reportMetricUnit } from '../src/api/views.js';

describe('report metric columns', () => {
  it('given the metrics of a report row, then each has a heading and a unit for the tables', () => {
    expect(REPORT_METRICS.map(reportMetricLabel)).toEqual([
      'Online',
      'Idle',
      'Non-productive',
      'On contact',
      'Hold',
      'ACW',
      'Error',
      'Holds',
      'Contacts handled',
    ]);
    expect(REPORT_METRICS.map(reportMetricUnit)).toEqual(['seconds', 'seconds', 'seconds', 'seconds', 'seconds', 'seconds', 'seconds', 'count', 'count']);
  });

  it('given a metric without a heading of its own, then it is named after its field', () => {
    expect(reportMetricLabel('agentNonResponse')).toBe('Agent non response');
    expect(reportMetricLabel('ringSeconds')).toBe('Ring');
    expect(reportMetricUnit('ringSeconds')).toBe('seconds');
  });
});
