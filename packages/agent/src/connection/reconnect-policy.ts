/**
 * How long to wait before the next connection attempt: exponential backoff with full jitter, so a fleet of
 * agents cut off together does not reconnect in lockstep. Pure: the random draw is an input.
 */
export const RECONNECT_BASE_MS = 200;
export const RECONNECT_CAP_MS = 10_000;

export interface ReconnectContext {
  /** Failed attempts since the last established session, starting at 0. */
  attempt: number;
  /** A uniform draw in [0, 1). */
  random: number;
}

export function nextReconnectDelay({ attempt, random }: ReconnectContext): number {
  // 2^6 × 200 ms already exceeds the cap; clamping keeps huge attempt counts finite.
  const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(Math.max(attempt, 0), 16));
  return Math.floor(random * ceiling);
}
