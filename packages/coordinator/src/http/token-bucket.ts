/**
 * A token bucket, as pure functions of the bucket and the time: `burst` tokens at most, refilled at `perSecond`;
 * a request is allowed while a token is there and is charged one. A charge may come after the answer (for a
 * request charged only when refused), so a bucket can run into debt, down to `-burst`: a flood that slipped in
 * concurrently still pays, and the debt is paid off at the same rate. Time is an input (milliseconds on any
 * monotonic clock), so tests need no sleeping.
 */

export interface BucketPolicy {
  /** Tokens added per second: the sustained rate allowed. */
  readonly perSecond: number;
  /** The bucket's size: how many requests may come at once after a quiet spell. */
  readonly burst: number;
}

export interface Bucket {
  readonly tokens: number;
  /** When `tokens` was counted. */
  readonly at: number;
}

export const fullBucket = (policy: BucketPolicy, now: number): Bucket => ({ tokens: policy.burst, at: now });

/** The bucket at `now`, refilled since it was last counted (a clock that went back refills nothing). */
export function refillBucket(bucket: Bucket, policy: BucketPolicy, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(policy.burst, bucket.tokens + (elapsed * policy.perSecond) / 1000), at: Math.max(now, bucket.at) };
}

/** Milliseconds until the bucket holds a whole token at `now`; 0 when it does. */
export function waitForToken(bucket: Bucket, policy: BucketPolicy, now: number): number {
  const { tokens } = refillBucket(bucket, policy, now);
  return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / policy.perSecond);
}

/** The bucket at `now` less one token, into debt if need be but never below `-burst`. */
export function chargeToken(bucket: Bucket, policy: BucketPolicy, now: number): Bucket {
  const current = refillBucket(bucket, policy, now);
  return { ...current, tokens: Math.max(-policy.burst, current.tokens - 1) };
}
