/**
 * The `points` of an SVG polyline drawing `values` left to right in a `width` × `height` box, scaled from 0 to
 * `max` (values past it are drawn at the top). One value is drawn as a flat line across the box.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, max: number): string {
  if (values.length === 0) return '';
  const series = values.length === 1 ? [values[0]!, values[0]!] : values;
  const step = width / (series.length - 1);
  const y = (value: number) => height - (Math.min(Math.max(value, 0), max) / max) * height;
  return series.map((value, index) => `${round(index * step)},${round(y(value))}`).join(' ');
}

const round = (n: number): number => Math.round(n * 10) / 10;
