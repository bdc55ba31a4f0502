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
 * SWITCHBOARD_CONNECT_INSTANCE_ARN  the Amazon Connect instance whose data streaming the stack sets up
 *                                 (agent events and contact records to the streams); off when unset
 * SWITCHBOARD_CONNECT_AGENT_EVENTS_ASSOCIATION   an existing AGENT_EVENTS storage association of that
 *                                 instance to adopt (pulumi import) instead of creating one
 * SWITCHBOARD_CONNECT_CONTACT_RECORDS_ASSOCIATION  the same for CONTACT_TRACE_RECORDS
 * SWITCHBOARD_STREAM_KMS_KEY_ARN  KMS key(s) of existing streams encrypted with a customer managed
 *                                 key (comma-separated): the ingest function gets kms:Decrypt on them
 * SWITCHBOARD_ALARM_EMAIL         an address subscribed to the alarm topic (confirm the mail AWS sends)
 * SWITCHBOARD_PROJECT_WINDOW_SECONDS  how long the projection mapping gathers records before it invokes
 *                                 (default 10, 0-300): shorter is fresher, longer writes less (stacks/mappings.ts)
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseRules } from '../packages/core/src/rules.js';
import { MAX_WINDOW_SECONDS, PROJECT_BATCH } from './mappings.js';

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

const CONNECT_INSTANCE = /^arn:aws[a-z-]*:connect:([a-z0-9-]+):(\d{12}):instance\/([0-9a-f-]{36})$/;

/** An Amazon Connect instance ARN, taken apart (the storage configs and the contact-event rule need its parts). */
export interface ConnectInstance {
  arn: string;
  region: string;
  account: string;
  /** the instance ID, the last part of the ARN */
  id: string;
}

export function parseConnectInstance(arn: string): ConnectInstance {
  const m = CONNECT_INSTANCE.exec(arn);
  if (!m) throw new Error(`SWITCHBOARD_CONNECT_INSTANCE_ARN must be an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<id>), got "${arn}"`);
  return { arn, region: m[1]!, account: m[2]!, id: m[3]! };
}

const connectArn = env('SWITCHBOARD_CONNECT_INSTANCE_ARN');
/** The Connect instance named by SWITCHBOARD_CONNECT_INSTANCE_ARN; undefined = Connect is wired by hand. */
export const connectInstance: ConnectInstance | undefined = connectArn ? parseConnectInstance(connectArn) : undefined;

const ASSOCIATION_ID = /^[0-9a-f-]{36}$/;
function association(name: string): string | undefined {
  const id = env(name);
  if (id === undefined) return undefined;
  if (!connectInstance) throw new Error(`${name} needs SWITCHBOARD_CONNECT_INSTANCE_ARN`);
  if (!ASSOCIATION_ID.test(id)) throw new Error(`${name} must be a storage config association ID (aws connect list-instance-storage-configs), got "${id}"`);
  return id;
}

const KMS_KEY = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-zA-Z-]+$/;
const streamKmsKeyArns = (env('SWITCHBOARD_STREAM_KMS_KEY_ARN') ?? '')
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean);
for (const key of streamKmsKeyArns) {
  // IAM authorises kms:Decrypt on the key's ARN, never on an alias
  if (!KMS_KEY.test(key)) throw new Error(`SWITCHBOARD_STREAM_KMS_KEY_ARN must list KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>; not aliases), got "${key}"`);
}

const projectWindowSeconds = Number(env('SWITCHBOARD_PROJECT_WINDOW_SECONDS') ?? PROJECT_BATCH.windowSeconds);
if (!Number.isInteger(projectWindowSeconds) || projectWindowSeconds < 0 || projectWindowSeconds > MAX_WINDOW_SECONDS) {
  throw new Error(`SWITCHBOARD_PROJECT_WINDOW_SECONDS must be a whole number of seconds from 0 to ${MAX_WINDOW_SECONDS}, got "${env('SWITCHBOARD_PROJECT_WINDOW_SECONDS')}"`);
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
  connectInstance,
  /** existing Connect storage associations to adopt, by resource type */
  connectAssociations: {
    AGENT_EVENTS: association('SWITCHBOARD_CONNECT_AGENT_EVENTS_ASSOCIATION'),
    CONTACT_TRACE_RECORDS: association('SWITCHBOARD_CONNECT_CONTACT_RECORDS_ASSOCIATION'),
  },
  streamKmsKeyArns,
  alarmEmail: env('SWITCHBOARD_ALARM_EMAIL'),
  projectWindowSeconds,
};
