import type { MiddlewareHandler } from 'hono';
import { remoteAddress } from '../access/record-changes.js';
import type { ApiErrorBody } from './errors.js';
import { chargeToken, fullBucket, refillBucket, waitForToken, type Bucket, type BucketPolicy } from './token-bucket.js';

/**
 * The request rate allowed per client address, shared by the HTTP app and the agent gateway's WebSocket upgrades:
 * a request from an address whose bucket is empty is answered 429 `RATE_LIMITED` with `Retry-After`. Every API
 * request is charged as it comes in; the agents' requests (enroll, connect, download) only when refused. So a fleet
 * of a thousand hosts behind one NAT address, or the benchmarks on loopback, enroll and connect at once without
 * being throttled, while every wrong credential spends the prober's budget.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  /** `perSecond` 0 turns the limit off. */
  constructor(
    private readonly policy: BucketPolicy,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.policy.perSecond > 0;
  }

  /** Milliseconds until `address` may make a request; 0 when it may now. Charges nothing. */
  wait(address: string): number {
    if (!this.enabled) return 0;
    const bucket = this.#buckets.get(address);
    return bucket ? waitForToken(bucket, this.policy, this.now()) : 0;
  }

  /** Charges `address` one request, after the fact if need be (see token-bucket.ts about debt). */
  charge(address: string): void {
    if (!this.enabled) return;
    const now = this.now();
    this.#prune(now);
    this.#buckets.set(address, chargeToken(this.#buckets.get(address) ?? fullBucket(this.policy, now), this.policy, now));
  }

  /** Forgets addresses whose buckets are full again (they are as new), once there are many: memory stays bounded. */
  #prune(now: number): void {
    if (this.#buckets.size < MAX_TRACKED_ADDRESSES) return;
    for (const [address, bucket] of this.#buckets) {
      if (refillBucket(bucket, this.policy, now).tokens >= this.policy.burst) this.#buckets.delete(address);
    }
  }
}

const MAX_TRACKED_ADDRESSES = 10_000;

/** Seconds for `Retry-After`, rounded up: a client that waits that long finds a token. */
export const retryAfterSeconds = (ms: number): string => String(Math.max(1, Math.ceil(ms / 1000)));

/**
 * The HTTP side of the limit. Requests with no socket address (`app.request` in tests) are not limited. Requests
 * to the agent endpoints (`/agent/v1/...`) are charged once answered, and only when refused (4xx).
 */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler {
  return async (c, next) => {
    const address = remoteAddress(c);
    if (address === undefined || !limiter.enabled) return next();
    const waitMs = limiter.wait(address);
    if (waitMs > 0) {
      return c.json<ApiErrorBody>(
        { code: 'RATE_LIMITED', message: `too many requests from ${address}; retry in ${retryAfterSeconds(waitMs)} s` },
        429,
        { 'Retry-After': retryAfterSeconds(waitMs) },
      );
    }
    if (!c.req.path.startsWith(AGENT_PREFIX)) {
      limiter.charge(address);
      return next();
    }
    await next();
    if (c.res.status >= 400 && c.res.status < 500) limiter.charge(address);
  };
}

const AGENT_PREFIX = '/agent/v1/';
