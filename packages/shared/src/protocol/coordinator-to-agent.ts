import { z } from 'zod';
import { BundleType, FileExistsBehavior, LifecycleEventNameSchema, Sha256Hex } from './common.js';

export const Welcome = z.object({
  type: z.literal('welcome'),
  hostId: z.string(),
  heartbeatIntervalMs: z.number().int().positive(),
});

/** Everything a host needs to know about the deployment an event belongs to. */
export const DeploymentContext = z.object({
  deploymentId: z.string(),
  applicationName: z.string(),
  deploymentGroupName: z.string(),
  deploymentGroupId: z.string(),
  /**
   * `user` for a deployment someone asked for, `rollback` for one Baton created to undo another, `autoUpdate`
   * for the group's last successful revision sent to a new or returning host.
   */
  creator: z.enum(['user', 'rollback', 'autoUpdate']),
  revision: z.object({ sha256: Sha256Hex, size: z.number().int().nonnegative(), bundleType: BundleType }),
  fileExistsBehavior: FileExistsBehavior.optional(),
  ignoreApplicationStopFailures: z.boolean(),
  /**
   * This event belongs to the rollback of a blue/green deployment, where the traffic hooks take their scripts
   * from other revisions (`scriptSourceFor`). Absent means false.
   */
  blueGreenRollback: z.boolean().optional(),
});
export type DeploymentContext = z.infer<typeof DeploymentContext>;

/**
 * Run one lifecycle event. `commandId` is unique per (deployment, host, event); an agent that receives a
 * command it already finished answers with the recorded result instead of running it again.
 */
export const RunEvent = z.object({
  type: z.literal('run-event'),
  commandId: z.string(),
  event: LifecycleEventNameSchema,
  deployment: DeploymentContext,
});
export type RunEvent = z.infer<typeof RunEvent>;

/** The coordinator has durably recorded the result of `commandId`; the agent may forget it. */
export const ResultAck = z.object({ type: z.literal('result-ack'), commandId: z.string() });

export const CoordinatorMessage = z.discriminatedUnion('type', [Welcome, RunEvent, ResultAck]);
export type CoordinatorMessage = z.infer<typeof CoordinatorMessage>;
