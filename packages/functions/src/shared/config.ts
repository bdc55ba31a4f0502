/// <reference path="../../sst-env.d.ts" />
/**
 * Configuration of the Lambda functions, from the resources SST links to them
 * (`Resource.X`, read from SST_RESOURCE_<X> environment variables) and a few
 * environment variables for running outside SST (tests, DynamoDB Local).
 */
import { Resource } from 'sst';
import { parseRules, RulesError, type Rules } from '@switchboard/core';
import { tableNamesFromPrefix, type TableNames } from '@switchboard/core/dynamodb';

export type ApiAuth = 'iam' | 'token';

export interface FunctionConfig {
  tables: TableNames;
  rules: Rules;
  /** the EventBridge bus alerts go to */
  busName: string | null;
  /** the SQS queue the ingest function parks records that keep failing in */
  deadLetterQueueUrl: string | null;
  /** the optional Timestream sink (off unless linked) */
  timestream: { database: string; table: string; lookbackMinutes: number } | null;
  api: { auth: ApiAuth; token: string | null };
  /** SWITCHBOARD_DYNAMODB_ENDPOINT, e.g. DynamoDB Local */
  dynamoEndpoint: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A linked resource, or undefined when it is not linked to this function. */
function linked<K extends keyof Resource>(name: K): Resource[K] | undefined {
  return name in Resource ? Resource[name] : undefined;
}

/**
 * Rules: $SWITCHBOARD_RULES (JSON), else the linked Rules (switchboard.config.json
 * at deploy time), else defaults. The privacy hash key: $SWITCHBOARD_HASH_KEY,
 * else the linked HashKey secret.
 */
export function loadRules(env: NodeJS.ProcessEnv = process.env): Rules {
  const fromEnv = env.SWITCHBOARD_RULES;
  const text = fromEnv ?? linked('Rules')?.json ?? '{}';
  const origin = fromEnv !== undefined ? 'SWITCHBOARD_RULES' : 'the linked Rules';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${origin} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return parseRules(json, { hashKey: env.SWITCHBOARD_HASH_KEY ?? linked('HashKey')?.value });
  } catch (err) {
    if (err instanceof RulesError) throw new ConfigError(`${origin}: ${err.message}`);
    throw err;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const tables = linked('Tables');
  const prefix = env.SWITCHBOARD_TABLE_PREFIX;
  if (!tables && prefix === undefined) throw new ConfigError('no tables: link Tables (sst.config.ts) or set SWITCHBOARD_TABLE_PREFIX');
  const ts = linked('Timestream');
  const auth = linked('ApiConfig')?.auth ?? env.SWITCHBOARD_API_AUTH ?? 'iam';
  if (auth !== 'iam' && auth !== 'token') throw new ConfigError(`API auth must be "iam" or "token", got "${auth}"`);
  return {
    tables: tables ? { events: tables.events, projections: tables.projections, ledger: tables.ledger } : tableNamesFromPrefix(prefix!),
    rules: loadRules(env),
    busName: linked('AlertBus')?.name ?? env.SWITCHBOARD_BUS_NAME ?? null,
    deadLetterQueueUrl: linked('DeadLetters')?.url ?? env.SWITCHBOARD_DEAD_LETTER_QUEUE_URL ?? null,
    timestream: ts ? { database: ts.database, table: ts.table, lookbackMinutes: Number(ts.lookbackMinutes) || 360 } : null,
    api: { auth, token: linked('ApiToken')?.value ?? env.SWITCHBOARD_API_TOKEN ?? null },
    dynamoEndpoint: env.SWITCHBOARD_DYNAMODB_ENDPOINT ?? null,
  };
}
