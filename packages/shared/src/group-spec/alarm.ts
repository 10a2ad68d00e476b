import { z } from 'zod';
import { DurationMs } from './common.js';

export const HostMetricName = z.enum(['cpu', 'memory', 'disk', 'load']);
export type HostMetricName = z.infer<typeof HostMetricName>;

/** Up to 10 per group; a firing alarm stops the deployment it watches (`ALARM_ACTIVE`). */
export const AlarmSpec = z.discriminatedUnion('type', [
  z
    .object({
      name: z.string().min(1),
      type: z.literal('hostMetric'),
      metric: HostMetricName,
      /** Percent for cpu, memory and disk; the 1-minute load average for load. */
      above: z.number(),
      /** How long the metric must stay above on one host of the deployment. */
      for: DurationMs.default(0),
    })
    .strict(),
  z.object({ name: z.string().min(1), type: z.literal('healthCheck') }).strict(),
  z
    .object({
      name: z.string().min(1),
      type: z.literal('prometheus'),
      url: z.string().url(),
      query: z.string().min(1),
      above: z.number().optional(),
      below: z.number().optional(),
      for: DurationMs.default(0),
      interval: DurationMs.default(5000),
    })
    .strict()
    .refine((alarm) => alarm.above !== undefined || alarm.below !== undefined, 'a prometheus alarm needs `above` or `below`'),
]);
export type AlarmSpec = z.output<typeof AlarmSpec>;

export const MAX_ALARMS_PER_GROUP = 10;
