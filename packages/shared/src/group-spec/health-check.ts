import { z } from 'zod';
import { DurationMs } from './common.js';

const Timing = {
  interval: DurationMs.default(5000),
  timeout: DurationMs.default(2000),
  /** Consecutive failures before the host counts as unhealthy. */
  unhealthyAfter: z.number().int().min(1).default(3),
};

/** A check the agent runs on its own host after ValidateService and while a deployment bakes. */
export const HealthCheckSpec = z.discriminatedUnion('type', [
  z.object({ type: z.literal('http'), url: z.string().url(), expectStatus: z.number().int().min(100).max(599).default(200), ...Timing }).strict(),
  z.object({ type: z.literal('command'), command: z.string().min(1), ...Timing }).strict(),
]);
export type HealthCheckSpec = z.output<typeof HealthCheckSpec>;
