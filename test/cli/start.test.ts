import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigView, ContactRow } from '@switchboard/core';
import { printedUrl, tempDir, until } from './run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = JSON.parse(readFileSync(join(ROOT, 'examples/japan.config.json'), 'utf8'));

let started: ChildProcess | undefined;
afterEach(async () => {
  // npm runs the command in a shell: stop the whole process group it leads, and wait until it is gone
  const group = started?.pid;
  started = undefined;
  if (!group) return;
  process.kill(-group, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-group, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(-group, 'SIGKILL');
});

/** `npm start -- ARGS` from the repository root, as the README says; resolves with the dashboard's URL. */
function npmStart(args: string[], env: Record<string, string | undefined>): Promise<string> {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const child = spawn('npm', ['start', '--silent', '--', ...args], { cwd: ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started = child;
  return printedUrl(child);
}

describe('npm start', () => {
  it('runs the simulated centre with the rules of a Japanese centre from the checked-in example', async () => {
    const dir = tempDir();
    const url = await npmStart(['--port', '0', '--db', join(dir, 'dev.db')], { SWITCHBOARD_CONFIG: undefined, SWITCHBOARD_DB: undefined });
    const config = (await (await fetch(`${url}api/config`)).json()) as ConfigView;
    expect(config).toMatchObject({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: EXAMPLE.alerts, exitLabels: EXAMPLE.flow.exitLabels, stale: false });
    // the simulation starts a quarter of an hour back, so contacts are there at once
    const contacts = await until(async () => {
      const rows = (await (await fetch(`${url}api/contacts`)).json()) as ContactRow[];
      return rows.some((r) => r.customerNumber) ? rows : undefined;
    }, 'contacts');
    const call = contacts.find((r) => r.customerNumber?.startsWith('+81'))!;
    expect(call.startedAtLocal).toMatch(/\+09:00$/);
    expect(call.customerNumberNational).toMatch(/^0\d{9,10}$/);
  }, 120_000);

  it('takes another rules file from SWITCHBOARD_CONFIG', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mine.json'), JSON.stringify({ timezone: 'Europe/London', phoneRegion: 'GB' }));
    const url = await npmStart(['--port', '0', '--db', join(dir, 'dev.db')], { SWITCHBOARD_CONFIG: join(dir, 'mine.json'), SWITCHBOARD_DB: undefined });
    const config = (await (await fetch(`${url}api/config`)).json()) as ConfigView;
    expect(config).toMatchObject({ timezone: 'Europe/London', phoneRegion: 'GB', exitLabels: {} });
  }, 120_000);
});
