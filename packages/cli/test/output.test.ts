import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { PassThrough } from 'node:stream';
import { csvChunks, fitWidths, formatDuration, jsonArrayChunks, renderTable, shortArn, shortId, writeChunks, type Column } from '../src/output.js';

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

async function text(chunks: AsyncIterable<string>): Promise<{ text: string; chunks: number }> {
  let out = '';
  let n = 0;
  for await (const c of chunks) {
    out += c;
    n++;
  }
  return { text: out, chunks: n };
}

async function* slowly<T>(rows: readonly T[]): AsyncGenerator<T> {
  for (const r of rows) {
    await Promise.resolve();
    yield r;
  }
}

/** What printCsv writes for these rows (the whole table at once, as it did before rows were streamed). */
const wholeCsv = (header: string[], rows: unknown[][]) =>
  stringify([header, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : typeof v === 'number' || typeof v === 'string' ? v : String(v))))]);

const cell = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constantFrom('a,b', 'say "hi"', 'two\nlines', '佐藤', ' '));

describe('rows streamed as they come', () => {
  it('given any rows, then the JSON text is the same as JSON.stringify of the whole array, pretty-printed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 30 }), async (rows) => {
        expect((await text(jsonArrayChunks(slowly(rows)))).text).toBe(`${JSON.stringify(rows, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
    expect((await text(jsonArrayChunks([]))).text).toBe('[]\n');
  });

  it('given many rows, then they come in chunks of bounded size, the same text in the end', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ agentArn: `arn:agent/${i}`, seconds: i / 3, statusSeconds: { Available: i } }));
    const { text: out, chunks } = await text(jsonArrayChunks(rows));
    expect(out).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    expect(chunks).toBeGreaterThan(20);
  });

  it('given any rows, then the CSV text is the same as the whole table quoted at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 1_200 }), async (rows) => {
        expect((await text(csvChunks(['a', 'b', 'c'], slowly(rows)))).text).toBe(wholeCsv(['a', 'b', 'c'], rows));
      }),
      { numRuns: 40 },
    );
  });

  it('given a reader that is behind, then writing waits for it and loses nothing', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    let read = '';
    const reading = (async () => {
      for await (const c of out) {
        read += c;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ i, name: `row ${i}` }));
    await writeChunks(out, jsonArrayChunks(rows));
    out.end();
    await reading;
    expect(read).toBe(`${JSON.stringify(rows, null, 2)}\n`);
  });

  it('given a reader that went away, then writing stops without reading the rest', async () => {
    const out = new PassThrough();
    out.on('error', () => {});
    let made = 0;
    async function* rows() {
      for (let i = 0; i < 1_000_000; i++) {
        made++;
        yield { i, text: 'x'.repeat(100) };
      }
    }
    const chunks = jsonArrayChunks(rows());
    out.destroy();
    await writeChunks(out, chunks);
    expect(made).toBeLessThan(10_000);
  });
});
