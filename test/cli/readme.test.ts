import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRules } from '@switchboard/core';
import { tempDir } from './run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of a language in a Markdown text. */
function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]!);
}

/** Shell blocks that only run `switchboard` (and set its environment): the ones a reader copies as they are. */
const cliBlocks = blocks(README, 'sh').filter((b) =>
  b
    .trim()
    .split('\n')
    .every((line) => /^(npx switchboard |export SWITCHBOARD_)/.test(line)),
);

describe('the README', () => {
  it('has examples of the switchboard command', () => {
    expect(cliBlocks.length).toBeGreaterThan(0);
    expect(cliBlocks.join('\n')).toMatch(/npx switchboard ingest/);
  });

  it.each(cliBlocks.map((b) => [b.trim().split('\n')[0], b]))(
    'runs the examples starting %j as written, from a checkout of the repository',
    (_first, block) => {
      // a directory standing in for a fresh checkout: what the examples read, nothing they write
      const dir = tempDir('switchboard-readme-');
      for (const entry of ['node_modules', 'examples', 'package.json']) symlinkSync(join(ROOT, entry), join(dir, entry));
      const lines = block.trim().split('\n');
      const script = ['set -e', ...lines.flatMap((line, i) => [line, `echo "__done ${i}"`])].join('\n');
      const r = spawnSync('bash', ['-c', script], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, SWITCHBOARD_DB: '', SWITCHBOARD_CONFIG: '', npm_config_offline: 'true' },
        maxBuffer: 256 * 1024 * 1024,
        timeout: 240_000,
      });
      expect(r.stderr).not.toMatch(/error|warning|not found|no such/i);
      expect(r.status, r.stderr).toBe(0);
      // every line ran, and each that prints printed something
      for (let i = 0; i < lines.length; i++) expect(r.stdout).toContain(`__done ${i}`);
      const outputs = r.stdout.split(/__done \d+\n/);
      lines.forEach((line, i) => {
        if (!line.startsWith('export') && !line.includes('>') && !line.includes('--out')) expect(outputs[i]!.trim().length, line).toBeGreaterThan(0);
      });
      const redirected = [...block.matchAll(/> (\S+)/g)].map((m) => m[1]!);
      for (const file of redirected) expect(readFileSync(join(dir, file), 'utf8').trim().split('\n').length, file).toBeGreaterThan(1);
    },
    300_000,
  );

  it('has configuration examples that are valid rules, like the checked-in example', () => {
    const examples = blocks(README, 'json');
    expect(examples.length).toBeGreaterThan(0);
    // privacy "hash" takes its key from SWITCHBOARD_HASH_KEY, as the README says
    for (const text of examples) expect(() => parseRules(JSON.parse(text), { hashKey: 'a-key-of-sixteen-chars' })).not.toThrow();
    const japan = parseRules(JSON.parse(readFileSync(join(ROOT, 'examples/japan.config.json'), 'utf8')));
    expect(japan).toMatchObject({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: { holdSeconds: expect.any(Number), afterContactWorkSeconds: expect.any(Number) } });
    expect(Object.keys(japan.alerts.statusSeconds)).toEqual(expect.arrayContaining(['Break', 'Lunch']));
  });
});
