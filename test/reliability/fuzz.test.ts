import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readInput } from '@switchboard/core';
import { agentEvent, contactRecord } from '../../packages/core/test/builders.js';
import { localEngine } from '../../packages/core/test/harness.js';

/**
 * Bad input loses nothing and stops nothing: thousands of generated malformed
 * records, mixed with valid ones in one JSON Lines stream, go through the real
 * reader and engine. Every record is either accepted or quarantined with a
 * reason, and every valid neighbour is in the event table.
 */
type Line = { kind: 'valid'; id: string; bytes: Buffer } | { kind: 'bad'; bytes: Buffer };

let validCounter = 0;
const validEvent = fc.constantFrom('agent', 'contact').map((kind) => {
  const id = `valid-${++validCounter}`;
  const payload =
    kind === 'agent'
      ? agentEvent({ type: 'STATE_CHANGE', at: Date.UTC(2024, 3, 18) + validCounter * 1000, eventId: id, status: 'Available' })
      : contactRecord({ contactId: id, initiation: '2024-04-18T00:00:00Z' });
  return { kind: 'valid', id, bytes: Buffer.from(JSON.stringify(payload)) } as Line;
});

const base = () => agentEvent({ type: 'STATE_CHANGE', at: '2024-04-18T00:00:00.000Z', eventId: `bad-${validCounter++}`, status: 'Available' });
const oneLine = (s: string) => Buffer.from(s.replace(/\n/g, ' '));
const wrongValue = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const fields = ['EventId', 'EventType', 'EventTimestamp', 'AgentARN', 'CurrentAgentSnapshot', 'InstanceARN'] as const;

const malformed: fc.Arbitrary<Line> = fc
  .oneof(
    // truncated JSON
    fc.nat().map((n) => {
      const text = JSON.stringify(base());
      return oneLine(text.slice(0, 1 + (n % (text.length - 1))));
    }),
    // wrong types in required fields
    fc.tuple(fc.constantFrom(...fields), wrongValue).map(([f, v]) => oneLine(JSON.stringify({ ...base(), [f]: v }))),
    // wrong, future and ancient timestamps
    fc
      .constantFrom('yesterday', '2024-13-45T99:99:99Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '2024-04-18', '', '2024-04-18T00:00:00')
      .map((ts) => oneLine(JSON.stringify({ ...base(), EventTimestamp: ts }))),
    // unknown enum values
    fc.string({ minLength: 1, maxLength: 20 }).map((t) => oneLine(JSON.stringify({ ...base(), EventType: `X_${t}` }))),
    // huge strings (up to 1 MB) in a field that must be short
    fc.integer({ min: 1_000, max: 1_000_000 }).map((n) => oneLine(JSON.stringify({ ...base(), EventId: 7, AgentARN: 'a'.repeat(n) }))),
    // deep nesting
    fc.integer({ min: 100, max: 20_000 }).map((d) => oneLine(`${'['.repeat(d)}${']'.repeat(d)}`)),
    fc.integer({ min: 100, max: 50_000 }).map((d) => {
      const text = JSON.stringify({ ...base(), CurrentAgentSnapshot: 0 });
      return oneLine(text.replace('"CurrentAgentSnapshot":0', `"CurrentAgentSnapshot":${'{"a":'.repeat(d)}1${'}'.repeat(d)}`));
    }),
    // invalid UTF-8 inside an otherwise good record
    fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([at, junk]) => {
      const text = Buffer.from(JSON.stringify(base()));
      const i = 20 + (at % (text.length - 40));
      return Buffer.concat([text.subarray(0, i), Buffer.from(junk.map((b) => 0x80 | (b & 0x3f))), text.subarray(i)]);
    }),
    // arbitrary JSON values and bytes
    fc.jsonValue({ maxDepth: 3 }).map((v) => oneLine(JSON.stringify(v) ?? 'null')),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x)))),
    // not a Connect record at all
    fc.constantFrom('{}', '{"Records": 5}', '{"Records": [{"kinesis": {"data": "!!!"}}]}', 'null', '"text"', '{"ContactId": "x"}'),
  )
  .map((bytes) => ({ kind: 'bad', bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes }) as Line);

let malformedSeen = 0;
const RUNS = 120;

/** Counterexamples hold megabytes of bytes: report the error and the seed only. */
const concise = <T>(out: fc.RunDetails<T>) => {
  if (out.failed) throw new Error(`property failed (seed ${out.seed}, path ${out.counterexamplePath}): ${String(out.errorInstance)}`);
};

describe('fuzzing the reader and the engine with malformed input', () => {
  // thousands of generated inputs: seconds on a quiet machine, minutes on a shared one
  it('every record is accepted or quarantined with a reason, and valid neighbours are ingested', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 1, arbitrary: validEvent }, { weight: 3, arbitrary: malformed }), { minLength: 100, maxLength: 100 }), async (lines) => {
        malformedSeen += lines.filter((l) => l.kind === 'bad').length;
        const { store, engine } = localEngine();
        const bytes = Buffer.concat(lines.flatMap((l) => [l.bytes, Buffer.from('\n')]));
        async function* chunks() {
          for (let i = 0; i < bytes.length; i += 65_536) yield bytes.subarray(i, i + 65_536);
        }
        const summary = await engine.ingest(readInput(chunks(), 'fuzz.jsonl'), { batchSize: 37 });
        expect(summary.appended + summary.duplicates + summary.rejected).toBe(summary.read);
        expect(summary.errors.every((e) => e.reason.length > 0 && e.source.startsWith('fuzz.jsonl'))).toBe(true);
        const stored = new Set<string>();
        for await (const e of store.scanAll()) stored.add(e.dedupeKey.replace(/@\d+$/, ''));
        for (const l of lines) if (l.kind === 'valid') expect(stored).toContain(l.id);
        expect((await store.counts()).quarantined).toBe(summary.rejected);
        store.close();
      }),
      { numRuns: RUNS, reporter: concise },
    );
    expect(malformedSeen).toBeGreaterThanOrEqual(7_500);
  }, 180_000);

  it('the parsers alone survive 10,000 more malformed inputs', async () => {
    let seen = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(malformed, { minLength: 50, maxLength: 50 }), async (lines) => {
        seen += lines.length;
        const out = [];
        for await (const c of readInput([Buffer.concat(lines.flatMap((l) => [l.bytes, Buffer.from('\n')]))], 'p')) out.push(c);
        expect(out.every((c) => c.ok || c.reason.length > 0)).toBe(true);
      }),
      { numRuns: 200, reporter: concise },
    );
    expect(seen).toBe(10_000);
  }, 180_000);
});
