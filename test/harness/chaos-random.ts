/**
 * Seeded randomness for the chaos suites. Every random choice of a run (kill moments, which host) comes from
 * one seed, printed at the start, so a failing run replays exactly with `BATON_CHAOS_SEED=<seed>`. This is
 * the only chaos file that reads the environment.
 */

export interface ChaosRandom {
  readonly seed: number;
  /** A uniform draw in [0, 1). */
  next(): number;
  /** A uniform integer in [min, max]. */
  between(min: number, max: number): number;
}

/** The seed of this run: BATON_CHAOS_SEED when given, else a fresh one. */
export function chaosSeed(): number {
  const given = process.env.BATON_CHAOS_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`BATON_CHAOS_SEED must be an integer, got '${given}'`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** mulberry32: small, fast and good enough to spread kill moments; the same seed gives the same draws. */
export function seededRandom(seed: number): ChaosRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { seed, next, between: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** Starts a suite's randomness and prints its seed, with the command that replays it. */
export function startChaosRandom(suite: string): ChaosRandom {
  const random = seededRandom(chaosSeed());
  console.log(`[chaos] ${suite}: seed ${random.seed} (replay with BATON_CHAOS_SEED=${random.seed})`);
  return random;
}
