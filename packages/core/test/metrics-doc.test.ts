import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTACT_FIELDS, REPORT_METRIC_TABLE, type FunnelRow } from '@switchboard/core';

const doc = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');

/** The section of docs/metrics.md under a `## ` heading. */
function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, `no section "${heading}"`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The table row that documents a field: `| \`field\` | ... |`. */
function rowOf(field: string, heading: string): string | undefined {
  return section(heading)
    .split('\n')
    .find((line) => line.startsWith(`| \`${field}\` |`));
}

describe('docs/metrics.md documents every field', () => {
  it.each(REPORT_METRIC_TABLE.map((m) => [m.field, m.connect] as const))('report field %s, with its Connect identifier %s', (field, connect) => {
    const row = rowOf(field, 'The interval report');
    expect(row, `no row for ${field}`).toBeDefined();
    expect(row).toContain(connect === null ? '—' : `\`${connect}\``);
  });

  it.each([...CONTACT_FIELDS])('contact field %s', (field) => {
    expect(rowOf(field, 'Contact rows'), `no row for ${field}`).toBeDefined();
  });

  it.each(['date', 'exitPoint', 'outcome', 'contacts'] satisfies Array<keyof FunnelRow>)('funnel field %s', (field) => {
    expect(rowOf(field, 'Funnel'), `no row for ${field}`).toBeDefined();
  });
});
