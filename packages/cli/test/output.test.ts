import { describe, expect, it } from 'vitest';
import { fitWidths, formatDuration, renderTable, shortArn, shortId, type Column } from '../src/output.js';

const columns: Column[] = [
  { header: 'Agent', shrink: true },
  { header: 'Status' },
  { header: 'Queue', optional: true },
  { header: 'Seconds', align: 'right' },
];
const rows = [
  ['sato.takeshi.long.username', 'Available', 'Support', 5],
  ['佐藤たけし', 'Break', null, 1234.5],
];

describe('tables for a terminal', () => {
  it('given rows, then a header line and one line per row, columns aligned by display width, no rules', () => {
    const { text, left } = renderTable(columns, rows);
    expect(left).toEqual([]);
    expect(text.split('\n')).toEqual([
      'Agent                       Status     Queue    Seconds',
      'sato.takeshi.long.username  Available  Support        5',
      // the Japanese name takes two cells a character
      '佐藤たけし                  Break                1234.5',
      '',
    ]);
  });

  it('given a narrow terminal, then names are cut first (with …), then optional columns are left out', () => {
    const cut = renderTable(columns, rows, 45);
    expect(cut.left).toEqual([]);
    expect(cut.text.split('\n')[1]).toBe('sato.takeshi.lo…  Available  Support        5');
    expect(Math.max(...cut.text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(45);
    const dropped = renderTable(columns, rows, 36);
    expect(dropped.left).toEqual(['Queue']);
    expect(dropped.text.split('\n')[0]).toBe('Agent         Status     Seconds');
    // nothing left to cut or leave out: the table stays as narrow as it gets
    expect(fitWidths([30, 9, 7, 7], columns, 10)).toEqual([12, 9, null, 7]);
  });

  it('shortens ids, ARNs and durations', () => {
    expect(shortId('381fa9b6-cf6d-4984-b864-2ea4e10ab0b4')).toBe('381fa9b6…');
    expect(shortId('call-1')).toBe('call-1');
    expect(shortArn('arn:aws:connect:ap-northeast-1:123456789012:instance/abc/agent/sato-id')).toBe('sato-id');
    expect(formatDuration(3725.5)).toBe('1:02:05');
    expect(formatDuration(65)).toBe('0:01:05');
  });
});
