// Rebuilds packages/web/dist when it is missing or older than the sources.
// Run under flock by build.ts so that parallel test files build once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../../', import.meta.url));
const repo = join(web, '..', '..');

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const e of readdirSync(path)) m = Math.max(m, newest(join(path, e)));
  return m;
}

const built = existsSync(join(web, 'dist', 'index.html')) ? statSync(join(web, 'dist', 'index.html')).mtimeMs : 0;
const sources = Math.max(
  newest(join(web, 'src')),
  newest(join(web, 'public')),
  newest(join(web, 'index.html')),
  newest(join(web, 'vite.config.ts')),
);
if (built >= sources) process.exit(0);
console.error('[web tests] building the dashboard (dist/ is missing or stale)…');
const r = spawnSync('npm', ['run', 'build', '-w', '@switchboard/web'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
process.exit(r.status ?? 1);
