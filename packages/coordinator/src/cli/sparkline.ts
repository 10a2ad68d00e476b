const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of `values`, one bar per value, scaled from 0 to `max` (by default the largest value, so a
 * load average still shows its shape). Values past the scale get the tallest bar.
 */
export function formatSparkline(values: readonly number[], max = Math.max(...values, 0)): string {
  if (max <= 0) return BARS[0]!.repeat(values.length);
  return values.map((value) => BARS[Math.min(BARS.length - 1, Math.max(0, Math.round((value / max) * (BARS.length - 1))))]).join('');
}
