import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-range.js';

describe('parseByteRange', () => {
  it.each([
    [undefined, 10, undefined],
    ['bytes=0-', 10, { start: 0, end: 9 }],
    ['bytes=4-', 10, { start: 4, end: 9 }],
    ['bytes=2-5', 10, { start: 2, end: 5 }],
    ['bytes=2-50', 10, { start: 2, end: 9 }],
    ['bytes=9-', 10, { start: 9, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=5-2', 10, undefined],
    ['bytes=-5', 10, undefined],
    ['bytes=0-1,4-5', 10, undefined],
    ['items=0-', 10, undefined],
  ] as const)('%s of %i bytes → %j', (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});
