/**
 * The Lambda bundles on the Lambda runtime's Node.js major: every handler the
 * stacks deploy is bundled as SST bundles it (esbuild, ESM, the target SST
 * maps the runtime to, its banner), copied where no node_modules can be
 * found, and invoked by a Node.js binary of that major (fetched from the npm
 * registry) with a minimal event, against DynamoDB Local. Other AWS services
 * are pointed at a closed local port: nothing leaves the machine.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventStreamArn, type TableNames } from '@switchboard/core/dynamodb';
import { LAMBDA_RUNTIME } from '../../stacks/runtime.js';
import { startDynamoLocal, LOCAL_CREDENTIALS, type DynamoLocal } from '../support/dynamo-local.js';
import { StreamReader, streamEvents } from '../support/lambda.js';
import { lambdaNode } from '../support/lambda-node.js';
import { agentEvent, contactEvent, kinesisEvent, sqsEvent } from '../support/payloads.js';
import { handlerName, synthesize } from '../support/stacks.js';

const run = promisify(execFile);

/** esbuild targets SST's Node.js runtime builds for (pkg/runtime/node/build.go in SST). */
const SST_TARGETS: Record<string, string> = { 'nodejs24.x': 'es2024', 'nodejs22.x': 'es2023', 'nodejs20.x': 'es2023' };
/** SST's banner: ESM bundles get require, __filename and __dirname. */
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join('\n');

const HARNESS = `
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const context = { awsRequestId: 'bundle-test', functionName: 'switchboard-bundle-test', functionVersion: '$LATEST', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60000 };
const result = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
process.stdout.write('\\n' + JSON.stringify({ node: process.version, result: result ?? null }));
`;

const T0 = Date.UTC(2024, 3, 18, 0, 0, 0);
const TOKEN = 'bundle-test-token';

let local: DynamoLocal;
let node: string;
let work: string;
let tables: TableNames;
const bundles = new Map<string, string>();

beforeAll(async () => {
  node = lambdaNode(LAMBDA_RUNTIME);
  work = mkdtempSync(join(tmpdir(), 'switchboard-bundles-'));
  local = await startDynamoLocal();
  tables = await local.createTables();
}, 600_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await local?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function bundle(handler: string): Promise<{ file: string; externals: string[] }> {
  const [path, exported] = [handler.slice(0, handler.lastIndexOf('.')), handler.slice(handler.lastIndexOf('.') + 1)];
  expect(exported).toBe('handler');
  const dir = join(work, path.replace(/\W+/g, '-'));
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'bundle.mjs');
  const result = await esbuild.build({
    entryPoints: [resolve(`${path}.ts`)],
    platform: 'node',
    bundle: true,
    format: 'esm',
    target: SST_TARGETS[LAMBDA_RUNTIME],
    mainFields: ['module', 'main'],
    keepNames: true,
    sourcemap: 'linked',
    external: ['sharp', 'pg-native'],
    banner: { js: SST_BANNER },
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  // (esbuild lists its own helpers as "<runtime>")
  const externals = Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((imp) => imp.external && imp.path !== '<runtime>').map((imp) => imp.path));
  return { file: outfile, externals: [...new Set(externals)] };
}

async function invoke(name: string, event: unknown, env: Record<string, string>): Promise<{ node: string; result: any }> {
  const eventFile = join(work, `${name}-event.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  const harness = join(work, 'invoke.mjs');
  writeFileSync(harness, HARNESS);
  const { stdout } = await run(node, [harness, bundles.get(name)!, eventFile], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      // every AWS service but DynamoDB (given its own endpoint) goes to a closed local port
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      SWITCHBOARD_DYNAMODB_ENDPOINT: local.endpoint,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...env,
    },
    maxBuffer: 16 * 2 ** 20,
    timeout: 120_000,
  });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1));
}

/** Linked resources as SST hands them to the functions (SST_RESOURCE_<name>, JSON). */
function links(): Record<string, string> {
  const link = (value: Record<string, unknown>) => JSON.stringify(value);
  return {
    SST_RESOURCE_Tables: link({ ...tables, type: 'sst.sst.Linkable' }),
    SST_RESOURCE_Rules: link({ json: JSON.stringify({ timezone: 'Asia/Tokyo' }), type: 'sst.sst.Linkable' }),
    SST_RESOURCE_ApiConfig: link({ auth: 'token', type: 'sst.sst.Linkable' }),
    SST_RESOURCE_ApiToken: link({ value: TOKEN, type: 'sst.sst.Secret' }),
    SST_RESOURCE_AlertBus: link({ name: 'switchboard-bundle-test', type: 'sst.sst.Linkable' }),
    SST_RESOURCE_DeadLetters: link({ url: 'http://127.0.0.1:9/012345678901/dead-letters', type: 'sst.sst.Linkable' }),
  };
}

describe(`the Lambda bundles on ${LAMBDA_RUNTIME}`, () => {
  it('bundle every handler the stacks deploy, with nothing left to load from node_modules', async () => {
    const { functions } = await synthesize({ SWITCHBOARD_TIMESTREAM: 'create', SWITCHBOARD_API_AUTH: 'token' });
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const fn of functions) {
      expect(fn.runtime).toBe(LAMBDA_RUNTIME);
      const { file, externals } = await bundle(fn.handler);
      expect(externals.filter((e) => !builtins.has(e)), fn.handler).toEqual([]);
      bundles.set(handlerName(fn), file);
    }
    expect([...bundles.keys()].sort()).toEqual(['api', 'contact-events', 'ingest', 'project', 'rebuild', 'sweep', 'timestream']);
  }, 300_000);

  it('run on the Node.js major of the runtime: ingest, contact events, project, the API, the sweep, a rebuild, the Timestream sink', async () => {
    expect(bundles.size).toBe(7);
    const env = links();
    const major = LAMBDA_RUNTIME.replace(/^nodejs(\d+)\.x$/, 'v$1.');

    const batch = kinesisEvent([agentEvent({ agent: 'alice', id: 'a1', at: T0, type: 'LOGIN' }), agentEvent({ agent: 'alice', id: 'a2', at: T0 + 60_000, status: 'Available' })]);
    const ingested = await invoke('ingest', batch, env);
    expect(ingested.node.startsWith(major)).toBe(true);
    expect(ingested.result).toEqual({ batchItemFailures: [] });

    const contactEvents = sqsEvent([contactEvent({ id: 'ce-1', contact: 'c-1', type: 'QUEUED', at: T0 })]);
    expect((await invoke('contact-events', contactEvents, env)).result).toEqual({ batchItemFailures: [] });

    const reader = new StreamReader(local.streams(), await eventStreamArn(local.client(), tables));
    const [streamEvent] = streamEvents(await reader.read());
    expect(streamEvent!.Records).toHaveLength(3);
    expect((await invoke('project', streamEvent, env)).result).toBeNull();

    const request = {
      version: '2.0',
      rawPath: '/api/agents',
      rawQueryString: '',
      headers: { authorization: `Bearer ${TOKEN}` },
      requestContext: { http: { method: 'GET', path: '/api/agents' } },
      isBase64Encoded: false,
    };
    const api = (await invoke('api', request, env)).result;
    expect(api.statusCode).toBe(200);
    expect(JSON.parse(api.body)).toEqual([expect.objectContaining({ username: 'alice', loggedIn: true })]);

    expect((await invoke('sweep', {}, env)).result).toEqual({ raised: 0, redelivered: 0 });
    const rebuilt = (await invoke('rebuild', {}, env)).result;
    expect(rebuilt).toMatchObject({ agents: 1, generation: 2 });
    expect(rebuilt.events).toBeGreaterThanOrEqual(2); // the scan, and catch-up passes that may hand the same events over again
    expect((await invoke('timestream', {}, env)).result).toEqual({ records: 0, calls: 0, rejected: 0 });
  }, 300_000);
});
