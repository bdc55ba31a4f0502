import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: string[], rows: Array<Array<string | number | null>>, emptyMessage: string): void {
  if (rows.length === 0) {
    process.stderr.write(`${emptyMessage}\n`);
    return;
  }
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) table.push(r.map((v) => (v === null ? '' : v)));
  process.stdout.write(`${table.toString()}\n`);
}

export function printCsv(header: string[], rows: Array<Array<unknown>>): void {
  process.stdout.write(stringify([header, ...rows.map((r) => r.map(csvCell))]));
}

function csvCell(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

/** 3725.5 -> "1h02m05s" */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
