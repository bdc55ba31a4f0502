/**
 * A Node.js binary of the Lambda runtime's major version, from the npm
 * registry (the `node-<platform>-<arch>` packages carry the official
 * binaries), unpacked once into node_modules/.cache. Not a dependency of the
 * repository: its `node` bin would shadow the toolchain's Node in npm scripts.
 * npm checks the tarball against the registry's integrity.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The Node.js release the bundle test runs on, per Lambda runtime (the newest 24.x when this was written). */
export const NODE_FOR_RUNTIME: Record<string, string> = { 'nodejs24.x': '24.22.3' };

export function lambdaNode(runtime: string, root = process.cwd()): string {
  const version = NODE_FOR_RUNTIME[runtime];
  if (!version) throw new Error(`no Node.js release is pinned for the Lambda runtime ${runtime} (test/support/lambda-node.ts)`);
  const name = `node-${process.platform}-${process.arch}`;
  const dir = resolve(root, 'node_modules/.cache/switchboard-lambda-node', `${name}-${version}`);
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;

  const work = mkdtempSync(join(tmpdir(), 'lambda-node-'));
  try {
    const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--json', '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [packed] = JSON.parse(out) as Array<{ filename: string }>;
    execFileSync('tar', ['-xzf', join(work, packed!.filename), '-C', work]);
    mkdirSync(resolve(dir, '..'), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`${name}@${version} has no bin/node (found ${readdirSync(dir).join(', ')})`);
  return binary;
}
