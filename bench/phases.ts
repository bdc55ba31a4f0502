/** Where ingest time goes: each pipeline stage timed on its own over the same input. */
import { createReadStream } from 'node:fs';
import { parseRecord, parseRules, planProjection, readInput, type Candidate, type NewEvent } from '../packages/core/src/index.js';
import { SqliteStore } from '../packages/core/src/store/sqlite/index.js';

const file = process.argv[2]!;
const db = process.argv[3]!;
const rules = parseRules({ timezone: 'Asia/Tokyo' });
const t = () => performance.now();
const lap = (name: string, start: number, n: number) => console.log(`${name.padEnd(28)} ${((t() - start) / 1000).toFixed(2)} s  ${((t() - start) * 1000 / n).toFixed(1)} us/event`);

let s = t();
const candidates: Candidate[] = [];
for await (const c of readInput(createReadStream(file, { highWaterMark: 1 << 20 }), file)) candidates.push(c);
const n = candidates.length;
lap('read + split + JSON.parse', s, n);

s = t();
const parsed = candidates.map((c) => (c.ok ? parseRecord(c.value, c.raw, c.source) : null));
lap('validate (zod) + facts', s, n);

const store = SqliteStore.open(db);
const batches: NewEvent[][] = [];
for (let i = 0; i < n; i += 5000) batches.push(parsed.slice(i, i + 5000).flatMap((p) => (p && p.ok ? [p.event] : [])));
s = t();
const appendedBatches = [];
for (const b of batches) appendedBatches.push(await store.transaction(() => store.append(b, Date.now())));
lap('append (SQLite, 5000/txn)', s, n);

const facts = new Map(parsed.flatMap((p) => (p && p.ok ? [[`${p.event.streamId}\u0000${p.event.dedupeKey}`, p] as const] : [])));
let planMs = 0;
let commitMs = 0;
for (const a of appendedBatches) {
  await store.transaction(async () => {
    const items = a.appended.map((event) => {
      const p = facts.get(`${event.streamId}\u0000${event.dedupeKey}`)!;
      return { event, agent: p.agent, contact: p.contact };
    });
    let x = t();
    const plan = await planProjection({ events: store, projections: store }, rules, items);
    planMs += t() - x;
    x = t();
    await store.commit(plan.writes);
    commitMs += t() - x;
  });
}
console.log(`${'plan projection'.padEnd(28)} ${(planMs / 1000).toFixed(2)} s  ${((planMs * 1000) / n).toFixed(1)} us/event`);
console.log(`${'commit projection'.padEnd(28)} ${(commitMs / 1000).toFixed(2)} s  ${((commitMs * 1000) / n).toFixed(1)} us/event`);
store.close();
