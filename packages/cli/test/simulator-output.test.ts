import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInput, type Candidate } from '@switchboard/core';
import { paceLive, payloadJson, simulate, splitAtOrigin, writeSimulation, type SimEvent } from '../src/simulator/index.js';
import { collect } from './simulator-helpers.js';

async function readBack(path: string): Promise<Extract<Candidate, { ok: true }>[]> {
  const out: Extract<Candidate, { ok: true }>[] = [];
  for await (const c of readInput(createReadStream(path), path)) {
    if (!c.ok) throw new Error(`${c.source.line}: ${c.reason}`);
    out.push(c);
  }
  return out;
}

async function* asAsync(events: readonly SimEvent[]): AsyncGenerator<SimEvent> {
  for (const e of events) yield e;
}

describe('simulator output: given two hours of simulated traffic', () => {
  let dir: string;
  let events: SimEvent[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-sim-'));
    events = collect(simulate({ agents: 12, hours: 2, seed: 9 }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('then payloadJson serialises every payload exactly as JSON.stringify does', () => {
    for (const e of events) expect(payloadJson(e)).toBe(JSON.stringify(e.payload));
    // A payload of another shape falls back to JSON.stringify.
    const odd = { ...events[0]!, payload: { ...events[0]!.payload, Extra: [1, 'two'] } };
    expect(payloadJson(odd)).toBe(JSON.stringify(odd.payload));
  });

  for (const file of ['events.jsonl', 'events.jsonl.gz']) {
    it(`when written as JSON Lines to ${file}, then the ingester reads back every payload in order`, async () => {
      const path = join(dir, file);
      const result = await writeSimulation(events, path);
      expect(result).toMatchObject({ events: events.length, documents: 0 });
      const bytes = readFileSync(path);
      const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
      expect(gzipped).toBe(file.endsWith('.gz'));
      const text = (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
      expect(result.bytes).toBe(Buffer.byteLength(text));
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n')).toHaveLength(events.length + 1);
      const back = await readBack(path);
      expect(back.map((c) => JSON.stringify(c.value))).toEqual(events.map((e) => JSON.stringify(e.payload)));
    });
  }

  for (const file of ['kinesis.json', 'kinesis.json.gz']) {
    it(`when written as Kinesis documents to ${file}, then each holds at most 500 records with increasing sequence numbers`, async () => {
      const path = join(dir, file);
      const result = await writeSimulation(events, path, { format: 'kinesis' });
      expect(events.length).toBeGreaterThan(1_000);
      expect(result.documents).toBe(Math.ceil(events.length / 500));
      const bytes = readFileSync(path);
      const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      const docs = text.trimEnd().split('\n').map((line) => JSON.parse(line) as { Records: any[] });
      expect(docs).toHaveLength(result.documents);
      const records = docs.flatMap((d) => d.Records);
      expect(docs.every((d) => d.Records.length <= 500)).toBe(true);
      expect(records).toHaveLength(events.length);
      let previous = 0n;
      records.forEach((r, i) => {
        const e = events[i]!;
        const seq = BigInt(r.kinesis.sequenceNumber);
        expect(r.kinesis.sequenceNumber).toMatch(/^\d{56}$/);
        expect(seq > previous).toBe(true);
        previous = seq;
        expect(r.eventID).toBe(`shardId-000000000000:${r.kinesis.sequenceNumber}`);
        expect(r.kinesis.partitionKey).toBe(e.partitionKey);
        expect(r.kinesis.approximateArrivalTimestamp).toBeGreaterThanOrEqual(e.at / 1000);
        expect(r.kinesis.approximateArrivalTimestamp).toBeLessThan(e.at / 1000 + 5);
        expect(r.eventSourceARN).toBe('arn:aws:kinesis:ap-northeast-1:123456789012:stream/switchboard-connect');
        expect(r.eventSource).toBe('aws:kinesis');
        expect(Buffer.from(r.kinesis.data, 'base64').toString('utf8')).toBe(JSON.stringify(e.payload));
      });
      const back = await readBack(path);
      expect(back.map((c) => JSON.stringify(c.value))).toEqual(events.map((e) => JSON.stringify(e.payload)));
      expect(back.map((c) => c.source.sequenceNumber)).toEqual(records.map((r) => r.kinesis.sequenceNumber));
      expect(back.every((c) => c.source.shardId === 'shardId-000000000000')).toBe(true);
    });
  }

  it('when the events come from an async source, then they are written all the same', async () => {
    const path = join(dir, 'async.jsonl');
    const result = await writeSimulation(asAsync(events), path);
    expect(result.events).toBe(events.length);
    expect(statSync(path).size).toBe(result.bytes);
  });

  it('when the format is unknown, then writing fails before touching the file', async () => {
    await expect(writeSimulation(events, join(dir, 'x'), { format: 'xml' as never })).rejects.toThrow(RangeError);
  });
});

describe('paceLive: given a fake clock', () => {
  const at = (ms: number, i: number): SimEvent => ({ at: ms, kind: 'agent', partitionKey: `a${i}`, payload: { i } });

  function clock(start: number) {
    const state = { now: start, slept: 0 };
    return {
      state,
      now: () => state.now,
      sleep: async (ms: number) => {
        state.now += ms;
        state.slept += ms;
      },
    };
  }

  it('when paced at speed 10, then each event is released once the clock reaches its scaled time, in order', async () => {
    const origin = 1_000_000;
    const events = [at(origin - 5_000, 0), at(origin, 1), at(origin + 1_000, 2), at(origin + 5_000, 3), at(origin + 5_000, 4), at(origin + 60_000, 5)];
    const c = clock(50_000);
    const released: { i: number; wall: number }[] = [];
    for await (const e of paceLive(events, { speed: 10, origin, now: c.now, sleep: c.sleep })) {
      released.push({ i: e.payload.i as number, wall: c.state.now });
      expect(c.state.now).toBeGreaterThanOrEqual(50_000 + (e.at - origin) / 10);
    }
    expect(released.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5]);
    // Events at or before the origin come at once; the last one 60 s / 10 later.
    expect(released[0]!.wall).toBe(50_000);
    expect(released[1]!.wall).toBe(50_000);
    expect(released[5]!.wall).toBe(56_000);
    expect(c.state.slept).toBe(6_000);
  });

  it('when no origin is given, then the wall clock is the origin: past events at once, future ones on time', async () => {
    const c = clock(2_000_000);
    const out: number[] = [];
    for await (const e of paceLive([at(1_000_000, 0), at(2_000_000, 1), at(2_030_000, 2)], { now: c.now, sleep: c.sleep })) out.push(c.state.now - e.at);
    expect(out).toEqual([1_000_000, 0, 0]);
    expect(c.state.slept).toBe(30_000);
  });

  it('when the signal is aborted, then the iteration ends quietly', async () => {
    const c = clock(0);
    const controller = new AbortController();
    const seen: number[] = [];
    const events = [0, 1, 2, 3, 4].map((i) => at(i * 1_000, i));
    for await (const e of paceLive(events, { origin: 0, now: c.now, sleep: c.sleep, signal: controller.signal })) {
      seen.push(e.payload.i as number);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual([0, 1]);
  });

  it('when live traffic is paced at 60x, then it keeps flowing in time order with agents logged in', async () => {
    const start = Date.UTC(2024, 3, 17, 23, 0);
    const c = clock(start + 15 * 60_000);
    const seen: SimEvent[] = [];
    for await (const e of paceLive(simulate({ hours: Infinity, agents: 3, seed: 4, start }), { speed: 60, now: c.now, sleep: c.sleep })) {
      seen.push(e);
      if (e.at > start + 3 * 3_600_000) break;
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.at).toBeGreaterThanOrEqual(seen[i - 1]!.at);
    expect(seen.filter((e) => e.payload.EventType === 'LOGIN')).toHaveLength(3);
    expect(seen.filter((e) => e.kind === 'contact').length).toBeGreaterThan(10);
    // 3 simulated hours less the 15 minutes already past, at 60x: about 165 s of waiting.
    expect(c.state.slept).toBeGreaterThan(160_000);
    expect(c.state.slept).toBeLessThan(170_000);
  });

  it('given a simulation split at its origin, then the past holds every event before it and live the rest, none lost or repeated', () => {
    const start = Date.UTC(2024, 3, 17, 23, 0);
    const origin = start + 15 * 60_000;
    const all = collect(simulate({ hours: 1, agents: 4, seed: 3, start }));
    const { past, live } = splitAtOrigin(simulate({ hours: 1, agents: 4, seed: 3, start }), origin);
    const before = [...past];
    const after = [...live];
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((e) => e.at < origin)).toBe(true);
    expect(after[0]!.at).toBeGreaterThanOrEqual(origin);
    expect([...before, ...after].map((e) => payloadJson(e))).toEqual(all.map((e) => payloadJson(e)));
  });

  it('when the speed is not positive, then it throws', async () => {
    await expect(paceLive([], { speed: 0 }).next()).rejects.toThrow(RangeError);
  });

  it('when the real timer is used at a very high speed, then all events come through', async () => {
    const events = collect(simulate({ agents: 2, hours: 0.25, seed: 2 }));
    const seen = [];
    for await (const e of paceLive(events, { speed: 1e9, origin: events[0]!.at })) seen.push(e);
    expect(seen).toHaveLength(events.length);
  });
});
