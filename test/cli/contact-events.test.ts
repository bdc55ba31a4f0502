import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SqliteStore } from '@switchboard/core/sqlite';
import { agentEvent, contactEvent, contactRecord } from '../../packages/core/test/builders.js';
import { json, runCli, tempDir } from './run.js';

const iso = (s: number) => new Date(Date.UTC(2024, 3, 17, 23, 0) + s * 1000).toISOString();
const lines = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';

/** One call as the three feeds tell it: contact events (EventBridge), the agent's events and the contact record. */
function call() {
  const base = { contactId: 'call-1', initiation: iso(0) };
  const queue = { enqueue: iso(20) };
  const agent = { connected: iso(35) };
  return {
    contactEvents: [
      contactEvent({ ...base, type: 'INITIATED' }),
      contactEvent({ ...base, type: 'QUEUED', queue }),
      contactEvent({ ...base, type: 'CONNECTED_TO_AGENT', queue, agent }),
      contactEvent({ ...base, type: 'DISCONNECTED', queue, agent, disconnect: iso(300) }),
    ],
    agentEvents: [
      agentEvent({ type: 'LOGIN', at: iso(-600), status: 'Offline' }),
      agentEvent({ type: 'STATE_CHANGE', at: iso(35), contacts: [{ id: 'call-1', state: 'CONNECTED' }] }),
    ],
    record: contactRecord({ contactId: 'call-1', initiation: iso(0).replace('.000', ''), disconnect: iso(300).replace('.000', ''), queue: { enqueue: iso(20).replace('.000', ''), duration: 15 } }),
  };
}

describe('switchboard ingest: contact events', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    const c = call();
    writeFileSync(join(dir, 'mixed.jsonl'), lines([c.contactEvents[0], ...c.agentEvents, c.contactEvents[1], c.record]));
    // an EventBridge -> Firehose archive: events concatenated, gzipped; one of them again
    writeFileSync(join(dir, 'firehose.gz'), gzipSync(c.contactEvents.slice(1).map((e) => JSON.stringify(e)).join('')));
    writeFileSync(join(dir, 'bad.jsonl'), lines([{ ...c.contactEvents[0], detail: { ...c.contactEvents[0]!.detail, eventType: '' } }]));
  });

  it('ingests contact events mixed with the other feeds and from an EventBridge archive, each once', () => {
    expect(json(runCli(['ingest', 'mixed.jsonl', 'firehose.gz', '--json'], { cwd: dir }))).toMatchObject({ read: 8, appended: 7, duplicates: 1, rejected: 0 });
    expect(json(runCli(['ingest', 'mixed.jsonl', 'firehose.gz', '--json'], { cwd: dir }))).toMatchObject({ read: 8, appended: 0, duplicates: 8 });
    const store = SqliteStore.open(join(dir, '.switchboard/switchboard.db'));
    try {
      const kinds = store.db.prepare(`SELECT s.kind, COUNT(*) AS n FROM events e JOIN streams s ON s.id = e.stream GROUP BY s.kind ORDER BY s.kind`).all();
      expect(kinds).toEqual([
        { kind: 'agent', n: 2 },
        { kind: 'contact', n: 1 },
        { kind: 'contactEvent', n: 4 },
      ]);
    } finally {
      store.close();
    }
    // the other projections are as they were
    expect(json<Array<{ contactId: string }>>(runCli(['contacts', '--json'], { cwd: dir })).map((c) => c.contactId)).toEqual(['call-1']);
  });

  it('quarantines a malformed contact event with its reason', () => {
    const r = json<{ rejected: number; errors: Array<{ source: string; reason: string }> }>(runCli(['ingest', 'bad.jsonl', '--json'], { cwd: dir }));
    expect(r.rejected).toBe(1);
    expect(r.errors[0]).toEqual({ source: 'bad.jsonl:1', reason: expect.stringMatching(/^contact event: detail\.eventType/) });
  });
});
