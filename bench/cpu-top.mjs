#!/usr/bin/env node
// The heaviest functions of a V8 CPU profile (node --cpu-prof), by self time.
//   node bench/cpu-top.mjs FILE.cpuprofile [N]
// Native code (SQLite, JSON.parse, LZ4) counts towards the JavaScript function that called it.
import { readFileSync } from 'node:fs';

const [file, n = '30'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpu-top.mjs FILE.cpuprofile [N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map();
let totalMs = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  selfMs.set(name, (selfMs.get(name) ?? 0) + ms);
  totalMs += ms;
});
for (const [name, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
  process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${name}\n`);
}
process.stdout.write(`${totalMs.toFixed(0).padStart(8)} ms total\n`);
