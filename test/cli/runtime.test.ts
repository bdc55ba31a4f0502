import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import kinesalite from 'kinesalite';
import { KinesisClient, CreateStreamCommand, PutRecordsCommand, DescribeStreamCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { agentEvent } from '../../packages/core/test/builders.js';
import { printedUrl, runCli, startCli, tempDir, until } from './run.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

async function freePort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Starts a long-running command and resolves with its URL once it prints one. */
function launch(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = startCli(args, { cwd, env });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return printedUrl(child).then((url) => ({ url, child, stderr: () => err }));
}

/** Reads server-sent events until a message of type `type` (that `accept` takes) arrives. */
async function sse(url: string, type: string, headers: Record<string, string> = {}, accept: (data: unknown) => boolean = () => true): Promise<unknown> {
  const res = await fetch(url, { headers });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buf += decoder.decode(value, { stream: true });
    for (const block of buf.split('\n\n').slice(0, -1)) {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === type && data && accept(JSON.parse(data))) {
        await reader.cancel();
        return JSON.parse(data);
      }
    }
    buf = buf.slice(buf.lastIndexOf('\n\n') + 2);
  }
}

describe('switchboard serve', () => {
  it('serves the API over an existing store and pushes changes made by another process', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jsonl'), JSON.stringify(agentEvent({ type: 'LOGIN', at: Date.UTC(2024, 3, 18), agent: 'a1', username: 'ito' })) + '\n');
    runCli(['ingest', 'a.jsonl'], { cwd: dir });
    const { url } = await launch(['serve', '--port', String(await freePort())], dir);
    // listening from the start: what was in the store then is the snapshot, not a change to push
    // a busy machine may deliver an earlier change first: wait for the one this test makes
    const onBreak = (data: unknown) => (data as Array<{ status?: { name?: string } }>).some((a) => a.status?.name === 'Break');
    const pushed = sse(`${url}api/stream`, 'agents', {}, onBreak);

    expect(await (await fetch(`${url}api/health`)).json()).toMatchObject({ ok: true, events: 1, quarantined: 0, stale: false });
    expect(await (await fetch(`${url}api/agents`)).json()).toMatchObject([{ username: 'ito', loggedIn: true }]);
    expect((await fetch(`${url}api/report?bucket=7m`)).status).toBe(400);
    expect((await fetch(`${url}api/report/view?offset=-1`)).status).toBe(400);
    expect((await fetch(`${url}api/nothing`)).status).toBe(404);
    expect((await fetch(`${url}api/agents`, { method: 'POST' })).status).toBe(405);

    writeFileSync(join(dir, 'b.jsonl'), JSON.stringify(agentEvent({ type: 'STATE_CHANGE', at: Date.UTC(2024, 3, 18, 0, 1), agent: 'a1', username: 'ito', status: 'Break' })) + '\n');
    // the store is watched every second: a look or two at it with nothing new
    await new Promise((r) => setTimeout(r, 2_500));
    runCli(['ingest', 'b.jsonl'], { cwd: dir });
    expect(await pushed).toMatchObject([{ username: 'ito', status: { name: 'Break' } }]);
  });

  it('refuses to listen beyond loopback without a token, and requires the token when given', async () => {
    const dir = tempDir();
    const open = runCli(['serve', '--host', '0.0.0.0', '--port', '0'], { cwd: dir });
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without authentication/);

    // serve reads an existing store: an empty one
    expect(runCli(['ingest', '-'], { cwd: dir, input: '' }).status).toBe(0);
    const { url } = await launch(['serve', '--host', '0.0.0.0', '--port', String(await freePort()), '--token', 's3cret'], dir);
    const local = url.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${local}api/agents`)).status).toBe(401);
    expect((await fetch(`${local}`)).status).toBe(401);
    expect((await fetch(`${local}api/agents`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${local}api/agents`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    const first = await fetch(`${local}?token=s3cret`);
    expect(first.status).not.toBe(401);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${local}api/agents`, { headers: { cookie } })).status).toBe(200);
    expect(await sse(`${local}api/stream?token=s3cret`, 'snapshot')).toMatchObject({ agents: [] });
  });
});

describe('switchboard dev', () => {
  it('runs the simulator live into the store and pushes agent changes to the stream', async () => {
    const dir = tempDir();
    const { url } = await launch(['dev', '--port', String(await freePort()), '--agents', '5', '--speed', '30', '--seed', '4'], dir);
    const agents = await until(async () => {
      const list = (await (await fetch(`${url}api/agents`)).json()) as Array<{ loggedIn: boolean }>;
      return list.filter((a) => a.loggedIn).length > 0 ? list : undefined;
    }, 'logged-in agents');
    expect(agents.length).toBeGreaterThan(0);
    expect(await sse(`${url}api/stream`, 'agents')).toEqual(expect.arrayContaining([expect.objectContaining({ agentArn: expect.any(String) })]));
    const health = (await (await fetch(`${url}api/health`)).json()) as { events: number };
    expect(health.events).toBeGreaterThan(0);
    const config = (await (await fetch(`${url}api/config`)).json()) as { clock?: { speed: number } };
    expect(config.clock?.speed).toBe(30);
  });

  it('shows live queues within a minute: queue now from the simulated contact events, and queue changes on the stream', async () => {
    const dir = tempDir();
    const { url } = await launch(['dev', '--port', String(await freePort()), '--agents', '5', '--speed', '30', '--seed', '4'], dir);
    type Now = { at: string; queues: Array<{ queueName: string | null; today: { queued: number } }> };
    const now = await until(async () => {
      const view = (await (await fetch(`${url}api/queues/now`)).json()) as Now;
      return view.queues.some((q) => q.today.queued > 0) ? view : undefined;
    }, 'a queue with contacts queued today', 60_000);
    expect(now.queues.every((q) => q.queueName !== null)).toBe(true);
    // event time: the simulator's clock, ahead of the wall clock at --speed 30
    expect(Date.parse(now.at)).toBeGreaterThan(Date.now());
    expect(await sse(`${url}api/stream`, 'projections', {}, (d) => (d as Record<string, boolean>).queueContacts === true)).toMatchObject({ queueContacts: true });
    expect((await fetch(`${url}api/queues?bucket=1h`)).status).toBe(200);
  }, 90_000);

  it('tails a Kinesis stream (kinesalite) instead of simulating', async () => {
    const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0 });
    const kport = await freePort();
    await new Promise<void>((ok) => server.listen(kport, ok));
    try {
      const endpoint = `http://127.0.0.1:${kport}`;
      const client = new KinesisClient({ endpoint, region: 'us-east-1', requestHandler: new NodeHttpHandler(), credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      await client.send(new CreateStreamCommand({ StreamName: 'connect-agents', ShardCount: 1 }));
      await until(async () => ((await client.send(new DescribeStreamCommand({ StreamName: 'connect-agents' }))).StreamDescription?.StreamStatus === 'ACTIVE' ? true : undefined), 'stream');

      const dir = tempDir();
      const { url } = await launch(['dev', '--port', String(await freePort()), '--kinesis-stream', 'connect-agents', '--endpoint', endpoint], dir, {
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
      });
      await new Promise((r) => setTimeout(r, 1500)); // the tail starts at LATEST
      const events = [
        agentEvent({ type: 'LOGIN', at: Date.UTC(2024, 3, 18), agent: 'k1', username: 'kato' }),
        agentEvent({ type: 'STATE_CHANGE', at: Date.UTC(2024, 3, 18, 0, 5), agent: 'k1', username: 'kato', status: 'Lunch' }),
      ];
      await client.send(
        new PutRecordsCommand({
          StreamName: 'connect-agents',
          Records: [...events.map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: String(e.AgentARN) })), { Data: Buffer.from('not json'), PartitionKey: 'x' }],
        }),
      );
      const agents = await until(async () => {
        const list = (await (await fetch(`${url}api/agents`)).json()) as Array<{ status: { name: string } }>;
        return list[0]?.status.name === 'Lunch' ? list : undefined;
      }, 'the agent from Kinesis');
      expect(agents).toMatchObject([{ username: 'kato', status: { name: 'Lunch' } }]);
      expect(await (await fetch(`${url}api/health`)).json()).toMatchObject({ events: 2, quarantined: 1 });
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
