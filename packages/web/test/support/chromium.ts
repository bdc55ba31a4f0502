/**
 * Headless Chromium for the dashboard tests: the system's /usr/bin/chromium
 * driven by playwright-core (never a downloaded browser). On a machine
 * without it (a fresh CI machine), installs Debian's package with apt-get.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Installs Chromium with apt-get when it is missing. Throws a clear error when it cannot. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (CHROMIUM !== '/usr/bin/chromium') throw new Error(`SWITCHBOARD_CHROMIUM=${CHROMIUM} does not exist`);
  if (!has('apt-get')) {
    throw new Error('Chromium is missing (/usr/bin/chromium) and apt-get is unavailable: install Debian/Ubuntu package "chromium" to run the dashboard tests');
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? '' : has('sudo') ? 'sudo -n ' : null;
  if (sudo === null) throw new Error('Chromium is missing (/usr/bin/chromium): run `apt-get install -y chromium` as root');
  // one installer at a time, even when several test files start together
  const script =
    `test -x ${CHROMIUM} || { ${sudo}apt-get update -qq && ` +
    `DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq --no-install-recommends chromium fonts-liberation; }`;
  const cmd = has('flock') ? ['flock', '/tmp/switchboard-chromium.lock', 'sh', '-c', script] : ['sh', '-c', script];
  console.error('[web tests] /usr/bin/chromium is missing: installing it with apt-get (one time)…');
  const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(`could not install Chromium with apt-get (exit ${r.status ?? r.signal}); install the "chromium" package by hand`);
  }
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
