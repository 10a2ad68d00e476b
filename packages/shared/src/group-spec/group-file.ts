/**
 * The deployment group as a file (`baton group apply -f group.yml`, `baton group get APP GROUP --yaml`), so
 * strategies with many knobs live in version control. Every duration accepts `30s`, `5m`, `500ms`.
 */
import { z } from 'zod';
import { MinimumHealthyHosts } from '../deployment-config.js';
import { TagFilter } from '../tags.js';
import { AlarmSpec, MAX_ALARMS_PER_GROUP } from './alarm.js';
import { HealthCheckSpec } from './health-check.js';
import { Strategy } from './strategy.js';
import { TrafficRouterSpec } from './traffic-router.js';
import { TriggerList } from './trigger.js';

export const AutoRollbackEvent = z.enum(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST']);
export type AutoRollbackEvent = z.infer<typeof AutoRollbackEvent>;

export const OutdatedInstancesStrategy = z.enum(['UPDATE', 'IGNORE']);
export type OutdatedInstancesStrategy = z.infer<typeof OutdatedInstancesStrategy>;

/** Which hosts belong to the group: a flat list (any filter matches) or a tag set (a match in each group). */
export const GroupHostsSpec = z
  .object({ tags: z.array(TagFilter).default([]), tagSet: z.array(z.array(TagFilter).min(1)).max(3).default([]) })
  .strict()
  .refine((hosts) => (hosts.tags.length > 0) !== (hosts.tagSet.length > 0), 'give hosts as `tags` or as `tagSet` (one of them)');

export const GroupFile = z
  .object({
    application: z.string().min(1),
    name: z.string().min(1),
    hosts: GroupHostsSpec,
    deploymentConfig: z.union([z.string().min(1), z.object({ minimumHealthyHosts: MinimumHealthyHosts }).strict()]).default('CodeDeployDefault.OneAtATime'),
    strategy: Strategy.default({ type: 'inPlace' }),
    trafficRouter: TrafficRouterSpec.optional(),
    healthChecks: z.array(HealthCheckSpec).default([]),
    alarms: z.array(AlarmSpec).max(MAX_ALARMS_PER_GROUP, `at most ${MAX_ALARMS_PER_GROUP} alarms per group`).default([]),
    autoRollback: z.object({ events: z.array(AutoRollbackEvent).default([]) }).strict().default({ events: [] }),
    outdatedInstances: OutdatedInstancesStrategy.default('UPDATE'),
    /** Webhooks sent on deployment and instance events (docs/notifications.md). */
    triggers: TriggerList.default([]),
  })
  .strict();
export type GroupFile = z.output<typeof GroupFile>;
export type GroupFileInput = z.input<typeof GroupFile>;
