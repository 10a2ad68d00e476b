import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeServerWeights, MAX_SERVER_WEIGHT } from './compute-server-weights.js';

const deliveredShares = (weights: Record<string, number>) => {
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  return Object.fromEntries(Object.entries(weights).map(([key, weight]) => [key, (weight * 100) / total]));
};

type Shares = Record<string, number>;

describe('computeServerWeights', () => {
  it.each<{ shares: Shares; weights: Shares }>([
    { shares: { web1: 10, web2: 90 }, weights: { web1: 1, web2: 9 } },
    { shares: { web1: 50, web2: 50 }, weights: { web1: 1, web2: 1 } },
    { shares: { web1: 0, web2: 100 }, weights: { web1: 0, web2: 1 } },
    { shares: { a: 5, b: 47.5, c: 47.5 }, weights: { a: 2, b: 19, c: 19 } },
    { shares: { a: 1, b: 99 }, weights: { a: 1, b: 99 } },
    { shares: { a: 100 / 3, b: 100 / 3, c: 100 / 3 }, weights: { a: 1, b: 1, c: 1 } },
    { shares: { a: 0.5, b: 99.5 }, weights: { a: 1, b: 199 } },
    { shares: { a: -1e-9, b: 100 + 1e-9 }, weights: { a: 0, b: 1 } },
  ])('turns $shares into $weights', ({ shares, weights }) => {
    expect(computeServerWeights(shares)).toEqual(weights);
  });

  it.each<{ shares: Shares; message: RegExp }>([
    { shares: { a: 10, b: 80 }, message: /add up to 100/ },
    { shares: { a: -10, b: 110 }, message: /"a" must be 0–100/ },
    { shares: { a: Number.NaN, b: 100 }, message: /"a" must be 0–100/ },
    { shares: {}, message: /add up to 100/ },
  ])('rejects $shares', ({ shares, message }) => {
    expect(() => computeServerWeights(shares)).toThrow(message);
  });

  it('delivers integer shares exactly and any shares within what 256 steps can express', () => {
    const integerSplit = fc
      .array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 })
      .map((cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const bounds = [0, ...sorted, 100];
        return Object.fromEntries(bounds.slice(1).map((bound, i) => [`h${i}`, bound - bounds[i]!]));
      });
    fc.assert(
      fc.property(integerSplit, (shares) => {
        const weights = computeServerWeights(shares);
        expect(Object.values(weights).every((w) => Number.isInteger(w) && w >= 0 && w <= MAX_SERVER_WEIGHT)).toBe(true);
        const delivered = deliveredShares(weights);
        for (const key of Object.keys(shares)) expect(delivered[key]).toBeCloseTo(shares[key]!, 9);
      }),
    );
    const realSplit = fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }).map((parts) => {
      const sum = parts.reduce((a, b) => a + b, 0);
      return Object.fromEntries(parts.map((part, i) => [`h${i}`, (part * 100) / sum]));
    });
    fc.assert(
      fc.property(realSplit, (shares) => {
        const delivered = deliveredShares(computeServerWeights(shares));
        for (const key of Object.keys(shares)) expect(Math.abs(delivered[key]! - shares[key]!)).toBeLessThanOrEqual(100 / MAX_SERVER_WEIGHT);
      }),
    );
  });
});
