import { spawn, spawnSync } from 'node:child_process';
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

export function tempDir(prefix = 'switchboard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function json<T = unknown>(r: CliResult): T {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
