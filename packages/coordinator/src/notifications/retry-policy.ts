/** How a webhook delivery is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The delay before the first retry; each later one doubles it. */
  readonly initialBackoffMs: number;
}

/** Spreads retries of many deliveries that failed together (a receiver that was down) by up to ±20%. */
const JITTER = 0.2;

/**
 * The delay before the next attempt after `attemptsMade` failed ones, or null when the delivery gives up.
 * `random` is a number in [0, 1): the caller's source of randomness, so the policy stays a pure function.
 * With the defaults (5 attempts, 10 s) the retries come after about 10, 20, 40 and 80 s: 2.5 minutes in all.
 */
export function nextDeliveryDelay(attemptsMade: number, policy: RetryPolicy, random: number): number | null {
  if (attemptsMade >= policy.attempts) return null;
  const base = policy.initialBackoffMs * 2 ** (attemptsMade - 1);
  return Math.round(base * (1 + JITTER * (2 * random - 1)));
}
