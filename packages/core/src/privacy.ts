import { createHmac } from 'node:crypto';

export const PRIVACY_MODES = ['keep', 'mask', 'hash'] as const;
export type PrivacyMode = (typeof PRIVACY_MODES)[number];

export interface PrivacyRules {
  customerNumbers: PrivacyMode;
  agentNames: PrivacyMode;
  /** HMAC key for "hash"; a keyed hash, since phone numbers are easy to enumerate */
  hashKey?: string;
}

/** +81312345678 -> +*******5678: every digit but the last four. */
export function maskNumber(value: string): string {
  let keep = 4;
  const chars = [...value];
  for (let i = chars.length - 1; i >= 0; i--) {
    if (!/\d/.test(chars[i]!)) continue;
    if (keep > 0) keep--;
    else chars[i] = '*';
  }
  return chars.join('');
}

/** sato.taro -> s*******o */
export function maskName(value: string): string {
  const chars = [...value];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/** A stable pseudonym: rows can still be grouped by caller or agent without revealing who. */
export function pseudonym(value: string, key: string): string {
  return `h:${createHmac('sha256', key).update(value).digest('hex').slice(0, 16)}`;
}

function apply(value: string | null, mode: PrivacyMode, key: string | undefined, mask: (v: string) => string): string | null {
  if (value === null || mode === 'keep') return value;
  if (mode === 'mask') return mask(value);
  return pseudonym(value, key!);
}

export function protectNumber(value: string | null, rules: PrivacyRules): string | null {
  return apply(value, rules.customerNumbers, rules.hashKey, maskNumber);
}

export function protectAgentName(value: string | null, rules: PrivacyRules): string | null {
  return apply(value, rules.agentNames, rules.hashKey, maskName);
}
