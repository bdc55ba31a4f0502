import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonPieces } from '../src/server/http.js';

describe('the local server sends JSON in pieces', () => {
  it('given any JSON body (lists of any length, values without a JSON form), when cut into pieces of any size, then the pieces join to JSON.stringify of it', () => {
    const item = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant(() => 1));
    fc.assert(
      fc.property(fc.oneof(fc.array(item, { maxLength: 40 }), fc.jsonValue()), fc.integer({ min: 1, max: 200 }), (body, size) => {
        expect([...jsonPieces(body, size)].join('')).toBe(JSON.stringify(body));
      }),
    );
  });
});
