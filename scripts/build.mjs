// Builds what runs outside vitest: the CLI bundle (esbuild) and the dashboard (Vite).
// Runs on `npm install` (prepare) and before `npm test`.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  // the CLI, and the thread that parses inputs during `ingest`
  entryPoints: {
    switchboard: `${root}/packages/cli/src/main.ts`,
    'parse-worker': `${root}/packages/cli/src/parse-worker.ts`,
  },
  outdir: `${root}/packages/cli/dist`,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Workspace packages and small libraries are bundled; native and AWS SDK
  // packages stay in node_modules (the SDK is imported lazily where used).
  external: ['better-sqlite3', 'lz4-napi', '@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', 'playwright-core'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

const webConfig = `${root}/packages/web/vite.config.ts`;
if (existsSync(webConfig)) {
  const r = spawnSync('npm', ['run', 'build', '-w', '@switchboard/web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
