import { describe, expect, it } from 'vitest';
import { Progress } from '../src/progress.js';

function fakeStream(isTTY: boolean) {
  const lines: string[] = [];
  const stream = { isTTY, write: (s: string) => lines.push(s), columns: 100 } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress when standard error is not a terminal', () => {
  it('given a long run, then one line every interval with the share done, the count and the rate', () => {
    let t = 0;
    const { stream, lines } = fakeStream(false);
    const p = new Progress('ingest', 1000, { unit: 'records', stream, lineEveryMs: 10_000, now: () => t });
    t = 5_000;
    p.update(100, 20_000);
    expect(lines).toEqual([]);
    t = 10_000;
    p.update(450, 50_000);
    t = 15_000;
    p.update(600, 60_000);
    t = 20_000;
    p.update(1000, 80_000);
    expect(lines).toEqual(['switchboard: ingest: 45% · 50,000 records · 5,000 records/s\n', 'switchboard: ingest: 100% · 80,000 records · 4,000 records/s\n']);
    expect(p.seconds()).toBe(20);
    p.stop();
  });

  it('given an unknown total (standard input), then lines without a share', () => {
    let t = 0;
    const { stream, lines } = fakeStream(false);
    const p = new Progress('ingest', 0, { unit: 'records', stream, lineEveryMs: 1000, now: () => t });
    t = 2000;
    p.update(123, 3000);
    expect(lines).toEqual(['switchboard: ingest: 3,000 records · 1,500 records/s\n']);
  });
});
