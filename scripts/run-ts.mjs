#!/usr/bin/env node
// Runs a TypeScript entry point on Node 20 (no native type stripping): bundles
// it with esbuild (workspace sources included, npm packages left external) to
// a temporary file next to it and runs that with the remaining arguments.
//   node scripts/run-ts.mjs bench/dynamodb-writes.ts --events 10000
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-ts.mjs FILE.ts [ARGS...]\n');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(root, 'node_modules', '.run-ts-'));
const outfile = join(dir, 'entry.mjs');
try {
  await build({
    entryPoints: [resolve(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'inline',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    plugins: [
      {
        name: 'externals',
        setup(b) {
          // npm packages stay external (resolved from node_modules at run time); workspace packages are bundled
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@switchboard/') ? undefined : { path: args.path, external: true }));
        },
      },
      {
        name: 'import-meta-url',
        setup(b) {
          // keep each module's own import.meta.url (files found relative to their source)
          b.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
            loader: args.path.endsWith('x') ? 'tsx' : 'ts',
          }));
        },
      },
    ],
  });
  // RUN_TS_NODE_FLAGS: extra flags for the node that runs the bundle, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeFlags = (process.env.RUN_TS_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const r = spawnSync(process.execPath, [...nodeFlags, '--enable-source-maps', outfile, ...args], { stdio: 'inherit', cwd: process.cwd() });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
