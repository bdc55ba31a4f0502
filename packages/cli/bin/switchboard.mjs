#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/switchboard.mjs', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('switchboard: the CLI is not built yet; run `npm run build` in the repository root\n');
  process.exit(1);
}
await import(bundle.href);
