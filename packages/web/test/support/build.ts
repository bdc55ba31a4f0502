import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));

/** Makes sure packages/web/dist is built from the current sources. */
export function ensureDist(): void {
  const script = fileURLToPath(new URL('./ensure-dist.mjs', import.meta.url));
  const hasFlock = spawnSync('sh', ['-c', 'command -v flock'], { stdio: 'ignore' }).status === 0;
  const cmd = hasFlock ? ['flock', '/tmp/switchboard-web-dist.lock', process.execPath, script] : [process.execPath, script];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], timeout: 5 * 60_000 });
  if (r.status !== 0 || !existsSync(`${DIST}index.html`)) throw new Error('building the dashboard failed: run `npm run build -w @switchboard/web`');
}
