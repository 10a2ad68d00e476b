import { err, ok, type Result } from './result.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Reads a human duration such as `500ms`, `30s`, `15m`, `24h` or `7d` into milliseconds. */
export function parseDuration(text: string): Result<number, string> {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return err(`expected a duration such as 30s, 15m, 24h or 7d, not "${text}"`);
  return ok(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** The inverse for display: the largest unit that divides the duration exactly (`90000` → `90s`, `300000` → `5m`). */
export function formatDuration(ms: number): string {
  const units = Object.entries(UNIT_MS).sort(([, a], [, b]) => b - a);
  for (const [unit, size] of units) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
