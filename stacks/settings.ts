/**
 * Deploy-time settings, from environment variables (so that the same stacks
 * serve every stage). Secrets are not here: the API token is an SST secret
 * (`npx sst secret set ApiToken <token> --stage <stage>`), and so is the
 * privacy hash key when the rules hash and do not carry a key themselves
 * (`npx sst secret set HashKey <key>`; SWITCHBOARD_HASH_KEY at deploy time
 * stands in when the secret was never set).
 *
 * SWITCHBOARD_AGENT_STREAM_ARN    existing Kinesis stream of agent events (else one is created)
 * SWITCHBOARD_CONTACT_STREAM_ARN  existing Kinesis stream of contact records (else one is created);
 *                                 the same ARN for both = one stream carrying both
 * SWITCHBOARD_CONFIG              rules file (default ./switchboard.config.json, else defaults)
 * SWITCHBOARD_API_AUTH            "iam" (default: SigV4-signed requests) or "token" (bearer token; the dashboard needs this)
 * SWITCHBOARD_TIMESTREAM          off (default), "create", or "<database>/<table>" of an existing table
 * SWITCHBOARD_TIMESTREAM_LOOKBACK_MINUTES  buckets rewritten on every run (default 360)
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseRules } from '../packages/core/src/rules.js';

export function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** A stand-in key for checking rules whose key is the HashKey secret (SST refuses to deploy while that is unset). */
const SECRET_KEY_STAND_IN = 'set-as-the-HashKey-secret';

function readRules(): { json: string; bucketMinutes: number; needsHashKey: boolean } {
  const path = env('SWITCHBOARD_CONFIG') ?? (existsSync('switchboard.config.json') ? 'switchboard.config.json' : undefined);
  const json = path ? readFileSync(path, 'utf8') : '{}';
  const document = JSON.parse(json) as { privacy?: { hashKey?: unknown } };
  // fail the deploy, not the functions, on a bad config
  const rules = parseRules(document, { hashKey: env('SWITCHBOARD_HASH_KEY') ?? SECRET_KEY_STAND_IN });
  const hashes = rules.privacy.customerNumbers === 'hash' || rules.privacy.agentNames === 'hash';
  const needsHashKey = hashes && document.privacy?.hashKey === undefined;
  return { json: JSON.stringify(document), bucketMinutes: rules.bucketMinutes, needsHashKey };
}

const apiAuth = env('SWITCHBOARD_API_AUTH') ?? 'iam';
if (apiAuth !== 'iam' && apiAuth !== 'token') throw new Error(`SWITCHBOARD_API_AUTH must be "iam" or "token", got "${apiAuth}"`);

const timestream = env('SWITCHBOARD_TIMESTREAM');
if (timestream && timestream !== 'off' && timestream !== 'create' && !/^[^/]+\/[^/]+$/.test(timestream)) {
  throw new Error(`SWITCHBOARD_TIMESTREAM must be "create" or "<database>/<table>", got "${timestream}"`);
}

export const settings = {
  agentStreamArn: env('SWITCHBOARD_AGENT_STREAM_ARN'),
  contactStreamArn: env('SWITCHBOARD_CONTACT_STREAM_ARN'),
  apiAuth: apiAuth as 'iam' | 'token',
  timestream: timestream === 'off' ? undefined : timestream,
  timestreamLookbackMinutes: Number(env('SWITCHBOARD_TIMESTREAM_LOOKBACK_MINUTES') ?? 360),
  rules: readRules(),
  hashKey: env('SWITCHBOARD_HASH_KEY'),
  production: $app.stage === 'production',
};
