#!/usr/bin/env node
// Writes the dashboard's runtime settings (dist/config.js) for a deployment:
// window.SWITCHBOARD_API from $SWITCHBOARD_API (the API's URL). Run by the
// SST StaticSite build after `vite build`: node ../../scripts/web-config.mjs dist
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'dist';
const api = (process.env.SWITCHBOARD_API ?? '').replace(/\/+$/, '');
const body = api
  ? `// Written at deploy time by scripts/web-config.mjs\nwindow.SWITCHBOARD_API = ${JSON.stringify(api)};\n`
  : '// Written at deploy time by scripts/web-config.mjs: same origin\n';
writeFileSync(join(dir, 'config.js'), body);
process.stdout.write(`wrote ${join(dir, 'config.js')}${api ? ` (API ${api})` : ''}\n`);
