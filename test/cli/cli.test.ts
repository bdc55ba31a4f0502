import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { SqliteStore } from '@switchboard/core/sqlite';
import { agentEvent, contactRecord } from '../../packages/core/test/builders.js';
import { projectionVersions } from '@switchboard/core';
import Database from 'better-sqlite3';
import { FIXTURES, json, runCli, tempDir } from './run.js';

const T0 = Date.UTC(2024, 3, 17, 23, 0); // 08:00 in Tokyo
const t = (s: number) => T0 + s * 1000;
const jsonl = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';

/** A morning for one agent: a call with a hold and ACW, a break, logout; and three contact records. */
function morning() {
  const a = { agent: 'sato-id', username: 'sato' };
  const agentEvents = [
    agentEvent({ ...a, type: 'LOGIN', at: t(0), status: 'Offline' }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(60), status: 'Available' }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(600), contacts: [{ id: 'call-1', state: 'CONNECTING' }] }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(610), contacts: [{ id: 'call-1', state: 'CONNECTED' }] }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(700), contacts: [{ id: 'call-1', state: 'CONNECTED_ONHOLD' }] }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(790), contacts: [{ id: 'call-1', state: 'CONNECTED' }] }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(850), contacts: [{ id: 'call-1', state: 'ENDED' }] }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(1000), contacts: [] }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(1800), status: 'Break' }),
    agentEvent({ ...a, type: 'STATE_CHANGE', at: t(2700), status: 'Available' }),
    agentEvent({ ...a, type: 'LOGOUT', at: t(3600) }),
  ];
  const iso = (s: number) => new Date(t(s)).toISOString().replace('.000', '');
  const contactRecords = [
    contactRecord({
      contactId: 'call-1',
      initiation: iso(540),
      disconnect: iso(850),
      lastUpdate: iso(1010),
      attributes: { call_route: '1-1', call_completed: 'true' },
      customer: '+819012345678',
      queue: { enqueue: iso(580), dequeue: iso(610), duration: 30 },
      agent: { username: 'sato', connected: iso(610), hold: 90, acw: 150 },
    }),
    contactRecord({
      contactId: 'ivr-hangup',
      initiation: iso(100),
      disconnect: iso(104),
      lastUpdate: iso(170),
      attributes: { call_route: 'start', call_completed: 'false' },
      customer: '+81312345678',
    }),
    contactRecord({
      contactId: 'queue-abandon',
      initiation: iso(200),
      disconnect: iso(320),
      lastUpdate: iso(330),
      attributes: { call_route: '2-1', call_completed: 'true' },
      queue: { enqueue: iso(230), dequeue: iso(320), duration: 90 },
    }),
  ];
  return { agentEvents, contactRecords };
}

const CONFIG = { timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: { holdSeconds: 60 } };

describe('switchboard CLI, end to end', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    const { agentEvents, contactRecords } = morning();
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify(CONFIG));
    writeFileSync(join(dir, 'agents.jsonl'), jsonl(agentEvents));
    writeFileSync(join(dir, 'ctr.json.gz'), gzipSync(JSON.stringify(contactRecords)));
  });

  it('ingests JSON Lines and a gzipped JSON array, and reports what it did', () => {
    const r = json(runCli(['ingest', 'agents.jsonl', 'ctr.json.gz', '--json'], { cwd: dir }));
    expect(r).toEqual({ read: 14, appended: 14, duplicates: 0, rejected: 0, errors: [] });
  });

  it('appends nothing when the same files are ingested again', () => {
    const r = json(runCli(['ingest', 'agents.jsonl', 'ctr.json.gz', '--json'], { cwd: dir }));
    expect(r).toMatchObject({ read: 14, appended: 0, duplicates: 14 });
  });

  it('agents --json gives the seat map shape', () => {
    const agents = json<Array<Record<string, unknown>>>(runCli(['agents', '--json'], { cwd: dir }));
    expect(agents).toEqual([
      {
        agentArn: expect.stringMatching(/\/agent\/sato-id$/),
        username: 'sato',
        status: { name: 'Offline', type: 'OFFLINE', since: new Date(t(3600)).toISOString() },
        activity: { name: 'Offline', since: new Date(t(3600)).toISOString() },
        contacts: [],
        loggedIn: false,
        lastEventAt: new Date(t(3600)).toISOString(),
      },
    ]);
  });

  it('intervals --json lists closed intervals with seconds, filterable by username and time', () => {
    const all = json<Array<{ dimension: string; name: string; seconds: number; contactId: string | null }>>(
      runCli(['intervals', '--agent', 'sato', '--json'], { cwd: dir }),
    );
    expect(all.filter((i) => i.dimension === 'contact')).toEqual([
      expect.objectContaining({ name: 'CONNECTING', contactId: 'call-1', seconds: 10 }),
      expect.objectContaining({ name: 'CONNECTED', seconds: 90 }),
      expect.objectContaining({ name: 'CONNECTED_ONHOLD', seconds: 90 }),
      expect.objectContaining({ name: 'CONNECTED', seconds: 60 }),
      expect.objectContaining({ name: 'ENDED', seconds: 150 }),
    ]);
    const window = json<unknown[]>(
      runCli(['intervals', '--from', '2024-04-18T08:30:00+09:00', '--to', '2024-04-18T08:31:00+09:00', '--json'], { cwd: dir }),
    );
    expect(window).toEqual([
      expect.objectContaining({ dimension: 'status', name: 'Break' }),
      expect.objectContaining({ dimension: 'activity', name: 'Break' }),
    ]);
  });

  it('report --json gives per-bucket metrics in the configured zone', () => {
    const rows = json<Array<Record<string, unknown>>>(runCli(['report', '--bucket', '1h', '--json'], { cwd: dir }));
    expect(rows).toEqual([
      expect.objectContaining({
        username: 'sato',
        bucketStart: '2024-04-18T08:00:00+09:00',
        bucketEnd: '2024-04-18T09:00:00+09:00',
        onlineSeconds: 3540, // 00:01 to logout at 01:00
        idleSeconds: 2250, // Available with no contact: 540 + 800 + 900, and 10 s ringing
        nonProductiveSeconds: 900,
        onContactSeconds: 390,
        holdSeconds: 90,
        afterContactWorkSeconds: 150,
        errorSeconds: 0,
        holds: 1,
        contactsHandled: 1,
        agentNonResponse: 0,
        occupancy: 0.1477, // 390 / (390 + 2250)
        statusSeconds: { Available: 2640, Break: 900, Offline: 60 },
        activitySeconds: { AfterContactWork: 150, Available: 2240, Break: 900, Incoming: 10, OnContact: 150, OnHold: 90, Offline: 60 },
      }),
    ]);
  });

  it('report --csv has a header and one line per row', () => {
    const r = runCli(['report', '--bucket', '15m', '--csv'], { cwd: dir });
    const rows = parseCsv(r.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBe(4);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['bucketStart', 'onlineSeconds', 'status:Break', 'activity:OnHold']));
  });

  it('contacts --json gives flow exits with local time and national numbers; --outcome filters', () => {
    const rows = json<Array<Record<string, unknown>>>(runCli(['contacts', '--json'], { cwd: dir }));
    expect(rows.map((r) => [r.contactId, r.outcome, r.exitPoint, r.startedAtLocal])).toEqual([
      ['ivr-hangup', 'abandoned_in_flow', 'start', '2024-04-18T08:01:40+09:00'],
      ['queue-abandon', 'abandoned_in_queue', '2-1', '2024-04-18T08:03:20+09:00'],
      ['call-1', 'handled', '1-1', '2024-04-18T08:09:00+09:00'],
    ]);
    expect(rows[2]).toMatchObject({ customerNumberNational: '09012345678', durationSeconds: 310, queueSeconds: 30, holdSeconds: 90, afterContactWorkSeconds: 150, agentUsername: 'sato' });
    const abandoned = json<unknown[]>(runCli(['contacts', '--outcome', 'abandoned_in_queue', '--json'], { cwd: dir }));
    expect(abandoned).toHaveLength(1);
  });

  it('funnel --json counts contacts per date, exit point and outcome', () => {
    expect(json(runCli(['funnel', '--json'], { cwd: dir }))).toEqual([
      { date: '2024-04-18', exitPoint: '1-1', outcome: 'handled', contacts: 1 },
      { date: '2024-04-18', exitPoint: '2-1', outcome: 'abandoned_in_queue', contacts: 1 },
      { date: '2024-04-18', exitPoint: 'start', outcome: 'abandoned_in_flow', contacts: 1 },
    ]);
  });

  /** What Connect would answer for the morning, in 15-minute intervals (hand-computed from Connect's definitions). */
  const connectIntervals = (idleSecondInterval: number) => [
    // 08:00: Offline 60 s; idle = Available 540 + ringing 10; on contact = talk 150 + hold 90 + ACW 50
    { start: 0, metrics: { SUM_ONLINE_TIME_AGENT: 840, SUM_IDLE_TIME_AGENT: 550, SUM_CONTACT_TIME_AGENT: 290, SUM_NON_PRODUCTIVE_TIME_AGENT: 0, AGENT_OCCUPANCY: 34.52, CONTACTS_HANDLED: 1, SUM_HOLD_TIME: 90, SUM_AFTER_CONTACT_WORK_TIME: 150, CONTACTS_PUT_ON_HOLD: 1, AVG_HANDLE_TIME: 300 } },
    { start: 900, metrics: { SUM_ONLINE_TIME_AGENT: 900, SUM_IDLE_TIME_AGENT: idleSecondInterval, SUM_CONTACT_TIME_AGENT: 100, SUM_NON_PRODUCTIVE_TIME_AGENT: 0, AGENT_OCCUPANCY: 11.11, CONTACTS_HANDLED: 0, SUM_HOLD_TIME: 0, SUM_AFTER_CONTACT_WORK_TIME: 0, CONTACTS_PUT_ON_HOLD: 0, AVG_HANDLE_TIME: null } },
    { start: 1800, metrics: { SUM_ONLINE_TIME_AGENT: 900, SUM_IDLE_TIME_AGENT: 0, SUM_CONTACT_TIME_AGENT: 0, SUM_NON_PRODUCTIVE_TIME_AGENT: 900, AGENT_OCCUPANCY: null, CONTACTS_HANDLED: 0, SUM_HOLD_TIME: 0, SUM_AFTER_CONTACT_WORK_TIME: 0, CONTACTS_PUT_ON_HOLD: 0, AVG_HANDLE_TIME: null } },
    { start: 2700, metrics: { SUM_ONLINE_TIME_AGENT: 900, SUM_IDLE_TIME_AGENT: 900, SUM_CONTACT_TIME_AGENT: 0, SUM_NON_PRODUCTIVE_TIME_AGENT: 0, AGENT_OCCUPANCY: 0, CONTACTS_HANDLED: 0, SUM_HOLD_TIME: 0, SUM_AFTER_CONTACT_WORK_TIME: 0, CONTACTS_PUT_ON_HOLD: 0, AVG_HANDLE_TIME: null } },
  ];
  /** MetricResultV2 objects as GetMetricDataV2 documents them; times as epoch seconds (the API) or ISO-8601 (the AWS CLI). */
  const metricResults = (intervals: ReturnType<typeof connectIntervals>, isoTimes: boolean) =>
    intervals.map((i) => {
      const time = (s: number) => (isoTimes ? new Date(t(s)).toISOString().replace('.000Z', '+00:00') : t(s) / 1000);
      return {
        Dimensions: { AGENT: 'sato-id' },
        MetricInterval: { Interval: 'FIFTEEN_MIN', StartTime: time(i.start), EndTime: time(i.start + 900) },
        Collections: Object.entries(i.metrics).map(([Name, Value]) => ({ Metric: { Name }, Value })),
      };
    });

  it('reconcile compares a GetMetricDataV2 response per agent, interval and metric, and lists what cannot be compared', () => {
    writeFileSync(join(dir, 'connect.json'), JSON.stringify({ MetricResults: metricResults(connectIntervals(800), true) }, null, 2));
    const r = runCli(['reconcile', 'connect.json', '--json'], { cwd: dir });
    expect(r.stderr).toMatch(/values compared, 0 beyond tolerance/);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tolerance).toEqual({ seconds: 5, count: 0, percent: 1 });
    expect(out.intervals).toHaveLength(4 * 6);
    expect(out.intervals.find((c: { metric: string; start: number }) => c.metric === 'SUM_IDLE_TIME_AGENT' && c.start === t(0))).toMatchObject({
      username: 'sato',
      field: 'idleSeconds',
      connect: 550,
      switchboard: 550,
      difference: 0,
      withinTolerance: true,
    });
    // ACW lands where it happens here and in the contact's interval in Connect: equal only in total
    expect(out.totals).toContainEqual(expect.objectContaining({ metric: 'SUM_AFTER_CONTACT_WORK_TIME', connect: 150, switchboard: 150, withinTolerance: true }));
    expect(out.notCompared.map((n: { metric: string }) => n.metric)).toEqual([
      'AVG_HANDLE_TIME',
      'CONTACTS_PUT_ON_HOLD',
      'SUM_AFTER_CONTACT_WORK_TIME per interval',
      'SUM_HOLD_TIME per interval',
    ]);
  });

  it('reconcile reads a paginated response (pages as JSON Lines), and exits 1 when a value differs beyond the tolerance', () => {
    const results = metricResults(connectIntervals(812), false);
    const pages = [
      { MetricResults: results.slice(0, 2), NextToken: 'page-2' },
      { MetricResults: results.slice(2) },
    ];
    writeFileSync(join(dir, 'pages.jsonl'), jsonl(pages));
    const r = runCli(['reconcile', 'pages.jsonl'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/1 beyond tolerance \(±5 s, ±0 contacts, ±1 points\)/);
    expect(r.stdout).toMatch(/SUM_IDLE_TIME_AGENT.*0:13:32.*0:13:20.*-12s.*DIFFERS/);
    expect(r.stdout).toMatch(/Not compared:\n {2}AVG_HANDLE_TIME: /);
    expect(runCli(['reconcile', 'pages.jsonl', '--tolerance', '15'], { cwd: dir }).status).toBe(0);
  });

  it('reconcile refuses a file that is not a GetMetricDataV2 response grouped by agent, with one line', () => {
    writeFileSync(join(dir, 'queues.json'), JSON.stringify({ MetricResults: [{ Dimensions: { QUEUE: 'q-1' }, MetricInterval: { StartTime: 1, EndTime: 2 }, Collections: [] }] }));
    const r = runCli(['reconcile', 'queues.json'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['switchboard: queues.json: line 1 MetricResults[0]: no AGENT dimension (reconcile needs a response grouped by agent: --groupings AGENT)']);
  });

  it('warns about stale projections after a rule change, and rebuild applies the new rules', () => {
    writeFileSync(join(dir, 'utc.json'), JSON.stringify({ timezone: 'UTC' }));
    const stale = runCli(['--config', 'utc.json', 'contacts', '--json'], { cwd: dir });
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/switchboard rebuild/);
    expect(JSON.parse(stale.stdout)[0].startedAtLocal).toBe('2024-04-18T08:01:40+09:00');
    const rebuilt = json<{ events: number }>(runCli(['--config', 'utc.json', 'rebuild', '--json'], { cwd: dir }));
    expect(rebuilt.events).toBe(14);
    const fresh = runCli(['--config', 'utc.json', 'contacts', '--json'], { cwd: dir });
    expect(fresh.stderr).toBe('');
    expect(JSON.parse(fresh.stdout)[0].startedAtLocal).toBe('2024-04-17T23:01:40+00:00');
    runCli(['rebuild'], { cwd: dir });
  });
});

describe('switchboard rebuild, one at a time', () => {
  it('given a rebuild of the store running in another process, then a second one is refused with one line and changes nothing; once it is over, or its process is gone, rebuild runs', async () => {
    const dir = tempDir();
    const { agentEvents } = morning();
    writeFileSync(join(dir, 'agents.jsonl'), jsonl(agentEvents));
    runCli(['ingest', 'agents.jsonl'], { cwd: dir });
    const before = json(runCli(['intervals', '--json'], { cwd: dir }));
    const store = SqliteStore.open(join(dir, '.switchboard/switchboard.db'));
    try {
      // this test process plays the running rebuild: alive, and not the CLI's process
      const running = `${hostname()}:${process.pid}`;
      expect(await store.leases().acquire('rebuild', running, 600_000)).toEqual({ acquired: true });
      const refused = runCli(['rebuild'], { cwd: dir });
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([`switchboard: cannot rebuild: another rebuild of this store is running (${running}); try again when it has finished`]);
      expect(json(runCli(['intervals', '--json'], { cwd: dir }))).toEqual(before);

      await store.leases().release('rebuild', running);
      expect(runCli(['rebuild'], { cwd: dir }).status).toBe(0);

      // a rebuild that was killed: its process is gone, its lease never released
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      expect(await store.leases().acquire('rebuild', `${hostname()}:${gone}`, 600_000)).toEqual({ acquired: true });
      expect(json<{ events: number }>(runCli(['rebuild', '--json'], { cwd: dir })).events).toBe(agentEvents.length);
      expect(json(runCli(['intervals', '--json'], { cwd: dir }))).toEqual(before);
    } finally {
      store.close();
    }
  });
});

describe('switchboard CLI, projection versions', () => {
  it('warns when the projections were built by another version of a definition, and rebuild records the current versions', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'morning.jsonl'), jsonl([...morning().agentEvents, ...morning().contactRecords]));
    expect(runCli(['ingest', 'morning.jsonl'], { cwd: dir }).status).toBe(0);
    expect(runCli(['agents', '--json'], { cwd: dir }).stderr).toBe('');
    const path = join(dir, '.switchboard', 'switchboard.db');
    const setVersions = async (versions: Record<string, number> | null) => {
      const store = SqliteStore.open(path);
      const { generation } = await store.meta();
      if (versions) store.db.prepare(`UPDATE meta SET value = ? WHERE key = ?`).run(JSON.stringify(versions), `gen.${generation}.versions`);
      else store.db.prepare(`DELETE FROM meta WHERE key = ?`).run(`gen.${generation}.versions`);
      store.close();
    };

    // built by an earlier agent projection
    await setVersions({ ...projectionVersions(), agents: 0 });
    const stale = runCli(['agents', '--json'], { cwd: dir });
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/another version of their definition \(agents\); run `switchboard rebuild`/);
    expect(json<unknown[]>(stale)).toHaveLength(1);
    expect(json(runCli(['rebuild', '--json'], { cwd: dir }))).toMatchObject({ events: 14, agents: 1, contacts: 3 });
    expect(runCli(['agents', '--json'], { cwd: dir }).stderr).toBe('');

    // a store from before projections recorded versions holds the first version of each, from before Connect's definitions
    await setVersions(null);
    expect(runCli(['contacts', '--json'], { cwd: dir }).stderr).toMatch(/another version of their definition \(agents, contacts, queueContacts\); run `switchboard rebuild`/);
  });

  it('given a store built under the definitions before Connect parity, then it is stale, and rebuild recomputes it from every event, facts of the earlier parser included', () => {
    const dir = tempDir();
    const { agentEvents, contactRecords } = morning();
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify(CONFIG));
    writeFileSync(join(dir, 'all.jsonl'), jsonl([...agentEvents, ...contactRecords]));
    runCli(['ingest', 'all.jsonl'], { cwd: dir });
    const expected = runCli(['report', '--json'], { cwd: dir }).stdout;
    // what an earlier build left: the first version of each projection, facts of an earlier parser version
    const db = new Database(join(dir, '.switchboard', 'switchboard.db'));
    const generation = (db.prepare(`SELECT value FROM meta WHERE key = 'generation'`).get() as { value: string }).value;
    db.prepare(`UPDATE meta SET value = ? WHERE key = ?`).run(JSON.stringify({ agents: 1, contacts: 1 }), `gen.${generation}.versions`);
    db.prepare(`UPDATE events SET facts_v = 3`).run();
    db.close();

    const stale = runCli(['report', '--json'], { cwd: dir });
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/another version of their definition \(agents, contacts, queueContacts\); run `switchboard rebuild`/);
    const rebuilt = json<{ events: number }>(runCli(['rebuild', '--json'], { cwd: dir }));
    expect(rebuilt.events).toBe(agentEvents.length + contactRecords.length);
    const fresh = runCli(['report', '--json'], { cwd: dir });
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toBe(expected);
  });
});

describe('switchboard CLI, inputs', () => {
  it('reads standard input, Lambda Kinesis events and the admin guide fixtures, and keeps each payload as it came', async () => {
    const dir = tempDir();
    const events = morning().agentEvents.slice(0, 3);
    const kinesis = {
      Records: events.map((e, i) => ({
        kinesis: { partitionKey: 'pk', sequenceNumber: String(100 + i), data: Buffer.from(JSON.stringify(e)).toString('base64'), approximateArrivalTimestamp: 1 },
        eventSource: 'aws:kinesis',
        eventID: `shardId-000000000000:${100 + i}`,
        eventSourceARN: 'arn:aws:kinesis:ap-northeast-1:123456789012:stream/agents',
      })),
    };
    expect(json(runCli(['ingest', '-', '--json'], { cwd: dir, input: JSON.stringify(kinesis) }))).toMatchObject({ appended: 3 });
    const fixtures = json(runCli(['ingest', join(FIXTURES, 'agent-events.doc-examples.jsonl'), join(FIXTURES, 'contact-records.doc-examples.jsonl'), '--json'], { cwd: dir }));
    expect(fixtures).toMatchObject({ read: 4, appended: 4, rejected: 0 });
    // the parsing thread packs each payload for the log: every one reads back as it came in
    const lines = ['agent-events.doc-examples.jsonl', 'contact-records.doc-examples.jsonl'].flatMap((f) => readFileSync(join(FIXTURES, f), 'utf8').trim().split('\n'));
    const store = SqliteStore.open(join(dir, '.switchboard', 'switchboard.db'));
    const stored: string[] = [];
    for await (const e of store.scanAll()) stored.push(e.raw);
    store.close();
    expect(stored.sort()).toEqual([...events.map((e) => JSON.stringify(e)), ...lines].sort());
  });

  it('ingests a JSON array of about 50 MB, one JSON value for the parsing thread', () => {
    const dir = tempDir();
    expect(runCli(['simulate', '--agents', '60', '--hours', '4', '--seed', '5', '--out', 'day.jsonl'], { cwd: dir }).status).toBe(0);
    const lines = readFileSync(join(dir, 'day.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'day.json'), `[${lines.join(',')}]`);
    expect(statSync(join(dir, 'day.json')).size).toBeGreaterThan(40 * 2 ** 20);
    const r = runCli(['ingest', 'day.json', '--json'], { cwd: dir });
    // nothing on stderr but the progress line a slow run prints every 10 s
    expect(r.stderr.split('\n').filter((line) => line && !/^switchboard: ingest: /.test(line))).toEqual([]);
    expect(json(r)).toMatchObject({ read: lines.length, rejected: 0 });
  }, 120_000);

  it('quarantines bad records with a reason, ingests the rest, and fails only with --strict', () => {
    const dir = tempDir();
    const good = morning().agentEvents.slice(0, 2).map((e) => JSON.stringify(e));
    writeFileSync(join(dir, 'mixed.jsonl'), [good[0], '{"EventType": "LOGIN", "truncated', '{"hello": 1}', good[1], ''].join('\n'));
    const r = runCli(['ingest', 'mixed.jsonl', '--json'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      read: 4,
      appended: 2,
      duplicates: 0,
      rejected: 2,
      errors: [
        { source: 'mixed.jsonl:2', reason: expect.stringMatching(/unterminated string/) },
        { source: 'mixed.jsonl:3', reason: expect.stringMatching(/not a Connect agent event or contact record/) },
      ],
    });
    const quarantined = json<unknown[]>(runCli(['quarantine', '--json'], { cwd: dir }));
    expect(quarantined).toHaveLength(2);
    const strict = runCli(['ingest', 'mixed.jsonl', '--strict'], { cwd: dir });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/2 record\(s\) rejected/);
  });
});

describe('switchboard CLI, errors are one clear line', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'a-directory'));
  writeFileSync(join(dir, 'broken.gz'), Buffer.concat([gzipSync('x'.repeat(1000)).subarray(0, 12), Buffer.alloc(64, 1)]));
  writeFileSync(join(dir, 'bad-config.json'), '{"timezone": "Mars/Base"}');
  writeFileSync(join(dir, 'not-json.json'), '{timezone');

  it.each([
    [['ingest', 'missing.jsonl'], /cannot ingest missing\.jsonl: no such file or directory/],
    [['ingest', 'a-directory'], /cannot ingest a-directory: is a directory/],
    [['ingest', 'broken.gz'], /broken\.gz: not a readable gzip file/],
    [['--config', 'bad-config.json', 'agents'], /config bad-config\.json: invalid rules: timezone: not a valid IANA time zone/],
    [['--config', 'not-json.json', 'agents'], /config not-json\.json is not valid JSON/],
    [['--config', 'nope.json', 'agents'], /cannot read config nope\.json: no such file or directory/],
    [['agents', '--frobnicate'], /unknown option '--frobnicate'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['report', '--bucket', '7m'], /--bucket <size>' argument '7m' is invalid/],
    [['report', '--from', 'yesterday'], /from must be an ISO-8601 time/],
    [['intervals', '--agent', 'nobody'], /no agent with ARN or username "nobody"/],
  ])('%j', (args, message) => {
    const r = runCli(args, { cwd: dir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('switchboard prune', () => {
  it('deletes events and projections older than the retention, counting first with --dry-run', () => {
    const dir = tempDir();
    const old = morning();
    const recent = agentEvent({ type: 'LOGIN', at: Date.now() - 3_600_000, agent: 'new-agent', username: 'new' });
    writeFileSync(join(dir, 'all.jsonl'), jsonl([...old.agentEvents, ...old.contactRecords, recent]));
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify({ retention: { eventDays: 30, projectionDays: 30 } }));
    expect(json(runCli(['ingest', 'all.jsonl', '--json'], { cwd: dir }))).toMatchObject({ appended: 15 });

    const dry = json<{ deleted: Record<string, number> }>(runCli(['prune', '--dry-run', '--json'], { cwd: dir }));
    expect(dry.deleted).toMatchObject({ events: 14, contacts: 3 });
    expect(json<unknown[]>(runCli(['contacts', '--json'], { cwd: dir }))).toHaveLength(3);

    expect(runCli(['prune'], { cwd: dir }).stdout).toMatch(/^deleted 14 events, 0 quarantined, \d+ intervals, \d+ tallies, 3 contacts, 3 queueContacts, \d+ alerts/);
    expect(json<unknown[]>(runCli(['contacts', '--json'], { cwd: dir }))).toEqual([]);
    expect(json<unknown[]>(runCli(['queues', '--json'], { cwd: dir }))).toEqual([]);
    expect(json<unknown[]>(runCli(['intervals', '--json'], { cwd: dir }))).toEqual([]);
    // the present stays: both agents' current state
    expect(json<unknown[]>(runCli(['agents', '--json'], { cwd: dir }))).toHaveLength(2);
  });

  it('refuses to run without a retention', () => {
    const r = runCli(['prune'], { cwd: tempDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nothing to prune/);
  });
});
