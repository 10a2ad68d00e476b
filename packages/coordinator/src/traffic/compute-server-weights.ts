/** HAProxy's largest server weight. */
export const MAX_SERVER_WEIGHT = 256;

/** Floating-point slack when comparing shares; far below what any weight can express. */
const EPSILON = 1e-9;
/** Accepted rounding in the caller's arithmetic (`(100 - 10) / 3` three times is not exactly 90). */
const SHARE_SLACK = 1e-6;

/**
 * Turns traffic shares (percent per key, summing to 100) into server weights (0–256) whose ratios reproduce
 * them. Weighted round-robin serves exactly `weight` requests of every `Σ weights` to each server, so the
 * weights are the largest-remainder apportionment of the smallest total (≤ 256) that comes closest to the
 * shares: the split is as exact as HAProxy can express and holds over the shortest cycle (10/90 → 1/9).
 * Throws a RangeError on shares that are not a split of 100%: the caller computed them, so that is a bug.
 */
export function computeServerWeights(requested: Readonly<Record<string, number>>): Record<string, number> {
  const keys = Object.keys(requested);
  for (const key of keys) {
    const share = requested[key]!;
    if (!Number.isFinite(share) || share < -SHARE_SLACK || share > 100 + SHARE_SLACK) throw new RangeError(`traffic share of "${key}" must be 0–100, got ${share}`);
  }
  const total = keys.reduce((sum, key) => sum + requested[key]!, 0);
  if (Math.abs(total - 100) > SHARE_SLACK) throw new RangeError(`traffic shares must add up to 100, got ${total} (${JSON.stringify(requested)})`);
  const shares = Object.fromEntries(keys.map((key) => [key, Math.min(100, Math.max(0, requested[key]!))]));

  let best = { weights: {} as Record<string, number>, error: Number.POSITIVE_INFINITY };
  for (let weightTotal = 1; weightTotal <= MAX_SERVER_WEIGHT; weightTotal++) {
    const weights = apportion(shares, keys, weightTotal);
    const error = measureShareError(shares, keys, weights, weightTotal);
    if (error < best.error - EPSILON) best = { weights, error };
  }
  return best.weights;
}

/** Hamilton's method: everyone gets the floor of their quota, the largest remainders get the leftovers. */
function apportion(shares: Readonly<Record<string, number>>, keys: readonly string[], weightTotal: number): Record<string, number> {
  const quotas = keys.map((key) => ({ key, quota: (shares[key]! * weightTotal) / 100 }));
  const weights = Object.fromEntries(quotas.map(({ key, quota }) => [key, Math.floor(quota + EPSILON)]));
  let leftover = weightTotal - Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  // A stable sort keeps ties in key order, so the result is deterministic.
  const byRemainder = [...quotas].sort((a, b) => (b.quota - weights[b.key]!) - (a.quota - weights[a.key]!));
  for (const { key } of byRemainder) {
    if (leftover <= 0) break;
    weights[key] = weights[key]! + 1;
    leftover -= 1;
  }
  return weights;
}

/** The largest gap, in percentage points, between a share and what its weight delivers. */
function measureShareError(
  shares: Readonly<Record<string, number>>,
  keys: readonly string[],
  weights: Readonly<Record<string, number>>,
  weightTotal: number,
): number {
  return Math.max(...keys.map((key) => Math.abs((weights[key]! * 100) / weightTotal - shares[key]!)));
}
