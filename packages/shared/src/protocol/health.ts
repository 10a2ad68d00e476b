/**
 * Host health on the wire: the agent's periodic metrics, the coordinator's request to run a group's health
 * checks for a deployment, and the agent's verdict.
 */
import { z } from 'zod';
import { HealthCheckSpec } from '../group-spec/health-check.js';
import { IsoTime } from './common.js';

const Percent = z.number().min(0).max(100);

/** One reading of a host. Percentages are of the whole host; `load1` is the 1-minute load average. */
export const HostMetricsSample = z.object({
  at: IsoTime,
  cpuPercent: Percent,
  memoryPercent: Percent,
  /** Used share of the filesystem holding the agent's root (its deployment root lives there). */
  diskPercent: Percent,
  load1: z.number().min(0),
});
export type HostMetricsSample = z.infer<typeof HostMetricsSample>;

/** Agent → coordinator, on a schedule. Best effort: a sample that cannot be sent is dropped, not queued. */
export const HostMetrics = z.object({ type: z.literal('host-metrics'), sample: HostMetricsSample });

/**
 * Coordinator → agent: run `checks` for `deploymentId` until `until`. Idempotent per deployment: a repeat
 * moves `until` (the coordinator renews it like a lease while the host needs watching) and keeps the failure
 * counts; an `until` in the past ends the watch at once.
 */
export const WatchHealth = z.object({
  type: z.literal('watch-health'),
  deploymentId: z.string(),
  checks: z.array(HealthCheckSpec).min(1),
  until: IsoTime,
});
export type WatchHealth = z.infer<typeof WatchHealth>;

/**
 * Agent → coordinator: a check of `deploymentId` failed `unhealthyAfter` times in a row. Sent once per watch;
 * `message` names the check and its last failure.
 */
export const HealthStatus = z.object({
  type: z.literal('health-status'),
  deploymentId: z.string(),
  healthy: z.boolean(),
  message: z.string(),
});
export type HealthStatus = z.infer<typeof HealthStatus>;
