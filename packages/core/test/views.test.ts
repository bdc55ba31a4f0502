import { describe, expect, it } from 'vitest';
import { REPORT_METRICS, reportMetricLabel, reportMetricUnit } from '../src/api/views.js';

describe('report metric columns', () => {
  it('given the metrics of a report row, then each has the heading and unit of the metric table', () => {
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
      'Non-response',
      'Occupancy',
    ]);
    expect(REPORT_METRICS.map(reportMetricUnit)).toEqual([...Array(7).fill('seconds'), 'count', 'count', 'count', 'ratio']);
  });
});
