import stringWidth from 'string-width';
import { stringify } from 'csv-stringify/sync';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

type Rows<T> = Iterable<T> | AsyncIterable<T>;

/** About this much text is written at a time: few writes, little held. */
const CHUNK_CHARS = 64 * 1024;

/**
 * A JSON array printed as its rows come, the same bytes as printJson of the
 * whole array: only one chunk of text is held at a time.
 */
export async function printJsonRows(rows: Rows<unknown>): Promise<void> {
  await writeChunks(process.stdout, jsonArrayChunks(rows));
}

/** CSV printed as its rows come, the same bytes as printCsv of them all. */
export async function printCsvRows(header: string[], rows: Rows<Array<unknown>>): Promise<void> {
  await writeChunks(process.stdout, csvChunks(header, rows));
}

/** The text of `JSON.stringify(rows, null, 2)` and a newline, in chunks of about CHUNK_CHARS. */
export async function* jsonArrayChunks(rows: Rows<unknown>): AsyncGenerator<string> {
  let text = '';
  let first = true;
  for await (const row of rows) {
    // a row's own lines, indented one level as inside the array (JSON strings hold no raw newline)
    text += `${first ? '[\n' : ',\n'}  ${JSON.stringify(row, null, 2).replaceAll('\n', '\n  ')}`;
    first = false;
    if (text.length >= CHUNK_CHARS) {
      yield text;
      text = '';
    }
  }
  yield `${text}${first ? '[]' : '\n]'}\n`;
}

/** The text of printCsv(header, rows), in chunks of a few hundred records (each record is quoted on its own). */
export async function* csvChunks(header: string[], rows: Rows<Array<unknown>>): AsyncGenerator<string> {
  let records: Array<Array<string | number>> = [header];
  for await (const row of rows) {
    records.push(row.map(csvCell));
    if (records.length >= 500) {
      yield stringify(records);
      records = [];
    }
  }
  if (records.length > 0) yield stringify(records);
}

/**
 * Writes the chunks, waiting while the reader is behind. When the reader has
 * gone away (`| head`), stops reading on: the stream's error handler
 * (stdout.ts) ends the command quietly on its next turn.
 */
export async function writeChunks(out: NodeJS.WritableStream & { destroyed?: boolean }, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (out.destroyed) break;
    if (!out.write(chunk)) await drainedOrClosed(out);
  }
  if (out.destroyed) await new Promise((resolve) => setImmediate(resolve));
}

function drainedOrClosed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}

export interface Column {
  header: string;
  /** may be cut (with "…") when the table is wider than the terminal */
  shrink?: boolean;
  /** may be left out when cutting is not enough (the last such column first) */
  optional?: boolean;
  align?: 'left' | 'right';
}

/** A column of numbers, durations or percentages: right-aligned. */
export const rightAligned = (header: string): Column => ({ header, align: 'right' });

export type Cell = string | number | null;

const GAP = '  ';
/** Narrowest a shrinkable column gets when fitting a table to the terminal (a name stays recognisable). */
const MIN_SHRUNK = 12;

/**
 * A plain table: a header line, then one line per row, columns separated by
 * spaces (no rules between rows). On a terminal narrower than the table, the
 * shrinkable columns are cut, widest first, then optional columns are left
 * out (said on standard error); `wide` (or output that is not a terminal)
 * leaves every column whole.
 */
export function printTable(columns: Column[], rows: Cell[][], emptyMessage: string, options: { wide?: boolean } = {}): void {
  if (rows.length === 0) {
    process.stderr.write(`${emptyMessage}\n`);
    return;
  }
  const width = options.wide ? undefined : process.stdout.isTTY ? process.stdout.columns : undefined;
  const { text, left } = renderTable(columns, rows, width);
  process.stdout.write(text);
  if (left.length > 0) process.stderr.write(`(not shown for want of width: ${left.join(', ')}; --wide shows every column)\n`);
}

/**
 * The table as text, one line per row after the header, at most `maxWidth`
 * cells wide where cutting and leaving out allow; widths count display cells
 * (a Japanese name's characters take two). `left`: headers of the columns left out.
 */
export function renderTable(columns: Column[], rows: Cell[][], maxWidth?: number): { text: string; left: string[] } {
  const text = [columns.map((c) => c.header), ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))))];
  const natural = columns.map((_, i) => Math.max(...text.map((line) => stringWidth(line[i] ?? ''))));
  const widths: Array<number | null> = maxWidth === undefined ? natural : fitWidths(natural, columns, maxWidth);
  let out = '';
  for (const line of text) {
    const cells: string[] = [];
    columns.forEach((c, i) => {
      const w = widths[i];
      if (w !== null && w !== undefined) cells.push(pad(cut(line[i] ?? '', w), w, c.align));
    });
    out += `${cells.join(GAP).trimEnd()}\n`;
  }
  return { text: out, left: columns.filter((_, i) => widths[i] === null).map((c) => c.header) };
}

/**
 * Column widths within `maxWidth`: shrinkable columns are cut (widest first,
 * down to a few cells), then optional columns left out (null), the last first.
 */
export function fitWidths(natural: number[], columns: Column[], maxWidth: number): Array<number | null> {
  const widths: Array<number | null> = [...natural];
  const total = () => {
    const shown = widths.filter((w): w is number => w !== null);
    return shown.reduce((a, b) => a + b, 0) + GAP.length * (shown.length - 1);
  };
  while (total() > maxWidth) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const w = widths[i];
      const min = Math.max(MIN_SHRUNK, stringWidth(columns[i]?.header ?? ''));
      if (columns[i]?.shrink && w != null && w > min && (widest < 0 || w > widths[widest]!)) widest = i;
    }
    if (widest >= 0) {
      widths[widest]!--;
      continue;
    }
    const drop = widths.findLastIndex((w, i) => w !== null && columns[i]?.optional);
    if (drop < 0) break;
    widths[drop] = null;
  }
  return widths;
}

function pad(text: string, width: number, align: Column['align']): string {
  const fill = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** `text` cut to `width` display cells, ending in "…" when cut. */
function cut(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

export function printCsv(header: string[], rows: Array<Array<unknown>>): void {
  process.stdout.write(stringify([header, ...rows.map((r) => r.map(csvCell))]));
}

function csvCell(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

/** 3725.5 -> "1:02:05", 65 -> "0:01:05" (lines up in a column). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** A contact id (a UUID) shortened for a table: its first 8 characters. */
export function shortId(id: string | null): string | null {
  return id !== null && id.length > 9 ? `${id.slice(0, 8)}…` : id;
}

/** An ARN shortened to its last part (an agent's id), for a table. */
export function shortArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
