/**
 * Picks the short or long form of the chaos and fuzz suites. `npm test` runs the short form; `npm run chaos`
 * sets BATON_LONG=1 for the long one. This is the only test file that reads the variable.
 */
export const LONG = process.env.BATON_LONG === '1';

/** How many property cases a fuzz target tries in the current form. */
export function fuzzRuns(short: number, long: number): number {
  return LONG ? long : short;
}
