import { describe, expect, it } from 'vitest';
import {
  nationalNumber,
  parseRules,
  rulesHash,
  RulesError,
} from '@switchboard/core';

describe('rules', () => {
  it('given nothing, then the defaults of design.md apply', () => {
    expect(parseRules({})).toEqual({
      timezone: 'UTC',
      bucketMinutes: 15,
      phoneRegion: null,
      statusTypes: {},
      flow: { exitAttribute: 'call_route', completedAttribute: 'call_completed' },
      alerts: { statusSeconds: {} },
      privacy: { customerNumbers: 'keep', agentNames: 'keep' },
      retention: {},
    });
  });

  it('given the example of design.md, then it is accepted as written', () => {
    const rules = parseRules({
      timezone: 'Asia/Tokyo',
      bucketMinutes: 15,
      phoneRegion: 'JP',
      flow: { exitAttribute: 'call_route', completedAttribute: 'call_completed' },
      alerts: { holdSeconds: 60, afterContactWorkSeconds: 120, statusSeconds: { Break: 900 } },
    });
    expect(rules.alerts).toEqual({ holdSeconds: 60, afterContactWorkSeconds: 120, statusSeconds: { Break: 900 } });
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'invalid rules: timezone: not a valid IANA time zone'],
    [{ bucketMinutes: 20 }, 'invalid rules: bucketMinutes: must be one of 15, 30, 60, 1440'],
    [{ phoneRegion: 'XX' }, 'invalid rules: phoneRegion: not a known ISO 3166-1 alpha-2 region code'],
    [{ alerts: { holdSeconds: -1 } }, 'invalid rules: alerts.holdSeconds: Too small: expected number to be >0'],
    [{ flow: { exitAttribute: '' } }, 'invalid rules: flow.exitAttribute: Too small: expected string to have >=1 characters'],
    [{ timezon: 'UTC' }, 'invalid rules: (root): Unrecognized key: "timezon"'],
    [{ privacy: { customerNumbers: 'hash' } }, 'invalid rules: privacy: "hash" needs privacy.hashKey (or SWITCHBOARD_HASH_KEY)'],
    [{ retention: { eventDays: 0.5 } }, 'invalid rules: retention.eventDays: Invalid input: expected int, received number'],
    [{ privacy: { agentNames: 'blur' } }, 'invalid rules: privacy.agentNames: Invalid option: expected one of "keep"|"mask"|"hash"'],
    [{ flow: { exitLabels: { '1-1': '' } } }, 'invalid rules: flow.exitLabels.1-1: a label must not be empty'],
    [{ flow: { exitLabels: { '1-1': '   ' } } }, 'invalid rules: flow.exitLabels.1-1: a label must not be empty'],
    [{ flow: { exitLabels: { '1-1': 7 } } }, 'invalid rules: flow.exitLabels.1-1: Invalid input: expected string, received number'],
    [{ flow: { exitLabels: ['Card lost'] } }, 'invalid rules: flow.exitLabels: Invalid input: expected record, received array'],
    [{ flow: { exitLabels: { '1-1': 'x'.repeat(81) } } }, 'invalid rules: flow.exitLabels.1-1: Too big: expected string to have <=80 characters'],
    [{ statusTypes: { Ready: 'AVAILABLE' } }, 'invalid rules: statusTypes.Ready: Invalid option: expected one of "ROUTABLE"|"CUSTOM"|"OFFLINE"'],
  ])('given %j, then a clear error names the key', (input, message) => {
    expect(() => parseRules(input)).toThrow(new RulesError(message));
  });

  it('given the same rules in another key order, then the hash is the same; a projection-relevant change changes it', () => {
    const a = rulesHash(parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' }));
    expect(rulesHash(parseRules({ phoneRegion: 'JP', timezone: 'Asia/Tokyo' }))).toBe(a);
    expect(rulesHash(parseRules({ phoneRegion: 'JP', timezone: 'UTC' }))).not.toBe(a);
    // alert thresholds do not change what the projections hold
    expect(rulesHash(parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', alerts: { holdSeconds: 5 } }))).toBe(a);
    // nor do the names of exit points; the attribute an exit point is read from does
    expect(rulesHash(parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', flow: { exitLabels: { '1-1': 'Card lost: done' } } }))).toBe(a);
    expect(rulesHash(parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', flow: { exitAttribute: 'route' } }))).not.toBe(a);
    // status types change how statuses are typed in the agent projection
    expect(rulesHash(parseRules({ timezone: 'Asia/Tokyo', phoneRegion: 'JP', statusTypes: { Ready: 'ROUTABLE' } }))).not.toBe(a);
  });

  it('given exit labels, then they are kept as written (trimmed) beside the flow attributes', () => {
    const rules = parseRules({ flow: { exitLabels: { '1-1': ' Card lost: done ', start: 'Welcome' } } });
    expect(rules.flow).toEqual({ exitAttribute: 'call_route', completedAttribute: 'call_completed', exitLabels: { '1-1': 'Card lost: done', start: 'Welcome' } });
  });
});

describe('national numbers', () => {
  it.each([
    ['+81312345678', 'JP', '0312345678'],
    ['+819012345678', 'JP', '09012345678'],
    ['+81501234567', 'JP', '0501234567'],
    ['+8190123', 'JP', '090123'],
    ['+442079460000', 'GB', '02079460000'],
    ['+14155550100', 'US', '4155550100'],
    ['+14155550100', 'JP', '+14155550100'],
    ['anonymous', 'JP', 'anonymous'],
  ])('%s in region %s is %s', (e164, region, expected) => {
    expect(nationalNumber(e164, region)).toBe(expected);
  });
});

describe('the privacy hash key from outside the file', () => {
  it('given privacy without a key and a key from the environment, then the key is used; a key in the file wins', () => {
    const key = 'a-key-of-sixteen-chars';
    expect(parseRules({ privacy: { customerNumbers: 'hash' } }, { hashKey: key }).privacy.hashKey).toBe(key);
    expect(parseRules({ privacy: { customerNumbers: 'hash', hashKey: 'the-file-key-0123' } }, { hashKey: key }).privacy.hashKey).toBe('the-file-key-0123');
    expect(() => parseRules({ privacy: { customerNumbers: 'hash' } })).toThrow(/needs privacy.hashKey/);
    // no privacy section: nothing is added (the key alone changes no rule)
    expect(parseRules({}, { hashKey: key }).privacy.hashKey).toBeUndefined();
  });
});
