/**
 * Picks the short or long form of the chaos and fuzz suites. `npm test` runs the short form; `npm run chaos`
 * sets BATON_LONG=1 for the long one. This is the only test file that reads the variable.
 */
export const LONG = process.env.BATON_LONG === '1';

/** How many property cases a fuzz target tries in the current form. */
export function fuzzRuns(short: number, long: number): number {
  return LONG ? long : short;
}

/** The time one fuzz test may take: the long form runs thousands of cases per test. */
export const FUZZ_TEST_TIMEOUT_MS = LONG ? 3_600_000 : 120_000;
