import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isValidZone } from './time.js';
import { isSupportedRegion } from './phone.js';
import { PRIVACY_MODES } from './privacy.js';
import { STATUS_TYPES } from './projectors/status.js';

export const BUCKET_MINUTES = [15, 30, 60, 1440] as const;
export type BucketMinutes = (typeof BUCKET_MINUTES)[number];

const seconds = z.number().positive();

/** Connect accepts service-level thresholds up to 7 days. */
const SERVICE_LEVEL_MAX_SECONDS = 604_800;
/** Per queue (by name or ARN; "*" for every queue): service-level thresholds and the oldest-waiting alert. */
const queueRules = z.strictObject({
  serviceLevelSeconds: z
    .array(seconds.max(SERVICE_LEVEL_MAX_SECONDS))
    .min(1)
    .max(10)
    .refine((list) => new Set(list).size === list.length, { message: 'thresholds must differ' })
    .optional(),
  oldestWaitingAlertSeconds: seconds.optional(),
  /** alert when the current bucket's service level within `seconds` falls below `percent` */
  serviceLevelTarget: z.strictObject({ seconds: seconds.max(SERVICE_LEVEL_MAX_SECONDS), percent: z.number().gt(0).max(100) }).optional(),
});

const rulesSchema = z.strictObject({
  timezone: z.string().refine(isValidZone, { message: 'not a valid IANA time zone' }).default('UTC'),
  bucketMinutes: z
    .number()
    .refine((n): n is BucketMinutes => (BUCKET_MINUTES as readonly number[]).includes(n), {
      message: `must be one of ${BUCKET_MINUTES.join(', ')}`,
    })
    .default(15),
  phoneRegion: z
    .string()
    .refine(isSupportedRegion, { message: 'not a known ISO 3166-1 alpha-2 region code' })
    .nullable()
    .default(null),
  /** the type of statuses by name, for payloads that omit AgentStatus.Type: {"Ready": "ROUTABLE"} */
  statusTypes: z.record(z.string().min(1), z.enum(STATUS_TYPES)).default({}),
  flow: z
    .strictObject({
      exitAttribute: z.string().min(1).default('call_route'),
      completedAttribute: z.string().min(1).default('call_completed'),
      /** names for exit points, shown beside them (e.g. {"1-1": "Card lost: done"}); display only */
      exitLabels: z
        .record(z.string().min(1, { message: 'an exit point must not be empty' }), z.string().trim().min(1, { message: 'a label must not be empty' }).max(80))
        .optional(),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      /** a hold longer than this raises LongHold (a threshold, not a metric) */
      holdSeconds: seconds.optional(),
      afterContactWorkSeconds: seconds.optional(),
      statusSeconds: z.record(z.string(), seconds).default({}),
    })
    .prefault({}),
  queues: z.record(z.string().min(1), queueRules).optional(),
  retention: z
    .strictObject({
      eventDays: z.number().int().positive().optional(),
      projectionDays: z.number().int().positive().optional(),
    })
    .prefault({}),
  privacy: z
    .strictObject({
      customerNumbers: z.enum(PRIVACY_MODES).default('keep'),
      agentNames: z.enum(PRIVACY_MODES).default('keep'),
      hashKey: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
    })
    .prefault({})
    .refine((p) => p.hashKey !== undefined || (p.customerNumbers !== 'hash' && p.agentNames !== 'hash'), {
      message: '"hash" needs privacy.hashKey (or SWITCHBOARD_HASH_KEY)',
    }),
});

export type Rules = z.output<typeof rulesSchema> & { bucketMinutes: BucketMinutes };
export type RulesInput = z.input<typeof rulesSchema>;

export class RulesError extends Error {
  override name = 'RulesError';
}

/**
 * Validates a rules document (every key optional) and fills in the defaults.
 * `hashKey` (from the environment, e.g. SWITCHBOARD_HASH_KEY) stands in for
 * privacy.hashKey when the document sets privacy but no key: keys are better
 * kept out of files.
 */
export function parseRules(input: unknown, options: { hashKey?: string } = {}): Rules {
  const result = rulesSchema.safeParse(withHashKey(input ?? {}, options.hashKey));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    throw new RulesError(`invalid rules: ${where}: ${issue.message}`);
  }
  return result.data as Rules;
}

export const DEFAULT_RULES: Rules = parseRules({});

function withHashKey(input: unknown, hashKey: string | undefined): unknown {
  if (!hashKey || input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const privacy = (input as { privacy?: unknown }).privacy;
  if (privacy === null || typeof privacy !== 'object' || Array.isArray(privacy) || 'hashKey' in privacy) return input;
  return { ...input, privacy: { ...privacy, hashKey } };
}

/** The part of the rules that materialized projections depend on. */
export function projectionRules(rules: Rules) {
  const { customerNumbers, agentNames, hashKey } = rules.privacy;
  const { exitAttribute, completedAttribute } = rules.flow;
  return {
    timezone: rules.timezone,
    phoneRegion: rules.phoneRegion,
    // exit labels only name what the dashboard shows: projections do not depend on them
    flow: { exitAttribute, completedAttribute },
    ...(Object.keys(rules.statusTypes).length > 0 ? { statusTypes: rules.statusTypes } : {}),
    // Only when used, so that stores built before the option existed stay current.
    ...(customerNumbers !== 'keep' || agentNames !== 'keep'
      ? { privacy: { customerNumbers, agentNames, key: hashKey ? createHash('sha256').update(hashKey).digest('hex').slice(0, 8) : null } }
      : {}),
  };
}

/** A stable hash of the rules that projections are built with (key order does not matter). */
export function rulesHash(rules: Rules): string {
  return createHash('sha256').update(stableStringify(projectionRules(rules))).digest('hex').slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}
