import { describe, expect, it } from 'vitest';
import { formatSparkline } from './sparkline.js';

describe('formatSparkline', () => {
  it.each([
    ['percentages on a 0–100 scale', [0, 50, 100], 100, '▁▅█'],
    ['small percentages stay low', [1, 2, 3], 100, '▁▁▁'],
    ['its own maximum by default', [0, 2, 4], undefined, '▁▅█'],
    ['past the scale', [150, -5], 100, '█▁'],
    ['all zero', [0, 0], undefined, '▁▁'],
    ['nothing', [], 100, ''],
  ])('%s', (_name, values, max, expected) => {
    expect(formatSparkline(values, max)).toBe(expected);
  });
});
