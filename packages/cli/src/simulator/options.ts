/** Options of the traffic simulator; every key is optional. */
export interface SimulatorOptions {
  /** agents logged in at a time (each shift); default 25 */
  agents?: number;
  /** length of simulated time; default 8; Infinity = run forever (live mode) */
  hours?: number;
  /** default 1 */
  seed?: number;
  /**
   * ms since the epoch of the simulation start; default Date.UTC(2024, 3, 17, 23, 0)
   * (08:00 in Tokyo), or 15 minutes before now in live mode (hours: Infinity)
   */
  start?: number;
  /** default arn:aws:connect:ap-northeast-1:123456789012:instance/<uuid from the seed> */
  instanceArn?: string;
  /** ISO 3166-1 alpha-2 country of the callers' and the centre's numbers; default 'JP' */
  phoneCountry?: 'JP' | string;
  /** inbound voice calls per agent per hour (load knob); default 7. Chats come on top, a quarter as many. */
  callsPerAgentHour?: number;
  /** publish Connect's contact events (EventBridge) besides agent events and contact records; default true */
  contactEvents?: boolean;
}

export interface ResolvedOptions {
  agents: number;
  hours: number;
  seed: number;
  start: number;
  /** start + hours, or Infinity */
  end: number;
  instanceArn: string | null;
  phoneCountry: string;
  callsPerAgentHour: number;
  chatsPerAgentHour: number;
  contactEvents: boolean;
}

export const DEFAULT_START = Date.UTC(2024, 3, 17, 23, 0);
/** Live mode starts this long before now, so the centre is already busy. */
export const LIVE_LEAD_MS = 15 * 60_000;
export const HOUR_MS = 3_600_000;
const MAX_AGENTS = 100_000;

export function resolveOptions(options: SimulatorOptions = {}, now: () => number = Date.now): ResolvedOptions {
  const agents = options.agents ?? 25;
  if (!Number.isInteger(agents) || agents < 1 || agents > MAX_AGENTS) {
    throw new RangeError(`agents must be an integer from 1 to ${MAX_AGENTS}, got ${String(agents)}`);
  }
  const hours = options.hours ?? 8;
  if (typeof hours !== 'number' || Number.isNaN(hours) || hours <= 0) {
    throw new RangeError(`hours must be a positive number or Infinity, got ${String(hours)}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${String(seed)}`);
  const live = hours === Infinity;
  const start = options.start ?? (live ? Math.floor(now()) - LIVE_LEAD_MS : DEFAULT_START);
  if (!Number.isFinite(start) || start < Date.UTC(2000, 0, 1) || start >= Date.UTC(2099, 0, 1)) {
    throw new RangeError(`start must be ms since the epoch between 2000 and 2099, got ${String(start)}`);
  }
  const calls = options.callsPerAgentHour ?? 7;
  if (typeof calls !== 'number' || !Number.isFinite(calls) || calls < 0) {
    throw new RangeError(`callsPerAgentHour must be a number >= 0, got ${String(calls)}`);
  }
  const instanceArn = options.instanceArn ?? null;
  if (instanceArn !== null && !INSTANCE_ARN.test(instanceArn)) {
    throw new RangeError(`instanceArn must look like arn:aws:connect:REGION:ACCOUNT:instance/ID, got ${instanceArn}`);
  }
  const phoneCountry = (options.phoneCountry ?? 'JP').toUpperCase();
  return {
    agents,
    hours,
    seed,
    start: Math.round(start),
    end: live ? Infinity : Math.round(start + hours * HOUR_MS),
    instanceArn,
    phoneCountry,
    callsPerAgentHour: calls,
    chatsPerAgentHour: calls / 4,
    contactEvents: options.contactEvents ?? true,
  };
}

export const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9-]+)$/;
