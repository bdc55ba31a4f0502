import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../packages/cli/bin/switchboard.mjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `switchboard` command as a user would, in `cwd`. */
export function runCli(args: string[], options: { cwd: string; input?: string | Buffer; env?: Record<string, string> }): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    input: options.input,
    env: { ...process.env, SWITCHBOARD_DB: '', SWITCHBOARD_CONFIG: '', ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Async variant, for commands that run alongside others (e.g. a server). */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, SWITCHBOARD_DB: '', SWITCHBOARD_CONFIG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `switchboard serve --port 0` over the store in `dir`; resolves with the server and its origin (no trailing slash) once it listens. */
export function serveStore(dir: string): Promise<{ server: ChildProcess; url: string }> {
  const server = startCli(['serve', '--port', '0'], { cwd: dir });
  return new Promise((ok, fail) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/[^\s]+)\//.exec(out);
      if (m) ok({ server, url: m[1]! });
    });
    server.on('exit', (code) => fail(new Error(`serve exited ${code}`)));
  });
}

export function tempDir(prefix = 'switchboard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function json<T = unknown>(r: CliResult): T {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Calls `fn` until it returns something (errors count as nothing yet), or fails after `ms`. */
export async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The first http:// URL a long-running command prints on stdout; fails with its stderr if it exits first. */
export function printedUrl(child: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/[^\s]+\/)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`exited ${code}: ${err}`)));
  });
}
