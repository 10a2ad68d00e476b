import { describe, expect, it } from 'vitest';
import { chargeToken, fullBucket, refillBucket, waitForToken, type Bucket } from './token-bucket.js';

const policy = { perSecond: 2, burst: 3 };

describe('token bucket', () => {
  it('allows a burst, then says how long until the next token', () => {
    let bucket: Bucket = fullBucket(policy, 0);
    const waits = [];
    for (let i = 0; i < 4; i += 1) {
      const wait = waitForToken(bucket, policy, 100);
      waits.push(wait);
      if (wait === 0) bucket = chargeToken(bucket, policy, 100);
    }
    expect(waits).toEqual([0, 0, 0, 500]);
  });

  it.each([
    ['refills at the rate', { tokens: 0, at: 0 }, 750, 1.5],
    ['never past the burst', { tokens: 1, at: 0 }, 60_000, 3],
    ['nothing when the clock went back', { tokens: 1, at: 1000 }, 500, 1],
    ['pays off a debt at the rate', { tokens: -3, at: 0 }, 1000, -1],
  ])('%s', (_, bucket, now, tokens) => {
    expect(refillBucket(bucket, policy, now).tokens).toBe(tokens);
  });

  it('lets a late charge run into debt, down to minus the burst', () => {
    let bucket: Bucket = { tokens: 1, at: 0 };
    for (let i = 0; i < 10; i += 1) bucket = chargeToken(bucket, policy, 0);

    expect(bucket.tokens).toBe(-3);
    expect(waitForToken(bucket, policy, 0)).toBe(2000);
    expect(waitForToken(bucket, policy, 2000)).toBe(0);
  });
});
