import { z } from 'zod';
import { parseDuration } from '../duration.js';

/** A duration written as `30s`, `5m`, `500ms` (or a number of milliseconds); parsed to milliseconds. */
export const DurationMs = z.union([z.number().int().min(0), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const parsed = parseDuration(value);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/** `25%`: a share of a fleet, 0–100. */
export const Percentage = z
  .string()
  .regex(/^(100|[1-9]?\d)%$/, 'expected a percentage such as 25%')
  .transform((text) => ({ percent: Number(text.slice(0, -1)) }));

/** A number of hosts (`3`) or a share of the hosts (`"25%"`). */
export const HostAmount = z.union([
  z.number().int().positive().transform((count) => ({ count })),
  Percentage,
]);
export type HostAmount = { count: number } | { percent: number };

/** Resolves an amount against a fleet of `total` hosts: at least one host, at most all of them. */
export function resolveHostAmount(amount: HostAmount, total: number): number {
  const raw = 'count' in amount ? amount.count : Math.floor((amount.percent * total + 99) / 100);
  return Math.min(total, Math.max(1, raw));
}
