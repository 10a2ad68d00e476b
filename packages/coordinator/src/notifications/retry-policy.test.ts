import { describe, expect, it } from 'vitest';
import { nextDeliveryDelay } from './retry-policy.js';

const policy = { attempts: 5, initialBackoffMs: 10_000 };

describe('the delay before a webhook is retried', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 80_000],
  ])('doubles: after %i failed attempt(s) it is %i ms without jitter', (attemptsMade, expected) => {
    expect(nextDeliveryDelay(attemptsMade, policy, 0.5)).toBe(expected);
  });

  it('gives up once every attempt is made', () => {
    expect(nextDeliveryDelay(5, policy, 0.5)).toBeNull();
    expect(nextDeliveryDelay(1, { attempts: 1, initialBackoffMs: 10 }, 0.5)).toBeNull();
  });

  it('spreads retries by at most a fifth either way', () => {
    expect(nextDeliveryDelay(1, policy, 0)).toBe(8000);
    expect(nextDeliveryDelay(1, policy, 0.999_999)).toBe(12_000);
  });
});
