import { z } from 'zod';
import { BundleType, FileExistsBehavior, LifecycleEventNameSchema, Sha256Hex } from './common.js';
import { RevisionSource, RevisionSignature } from './revision-source.js';
import { WatchHealth } from './health.js';

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
  revision: z.object({
    sha256: Sha256Hex,
    size: z.number().int().nonnegative(),
    bundleType: BundleType,
    /** Where the bytes came from (hooks see it as `BUNDLE_*`). Optional: older coordinators do not send it. */
    source: RevisionSource.optional(),
    /** Signatures over the digest; an agent with trusted keys refuses the revision without a valid one. */
    signatures: z.array(RevisionSignature).optional(),
  }),
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
  /**
   * The hook's variables: the application's, overridden by the group's (a host's own `env` setting overrides
   * both). `secrets` holds the secret ones, disjoint from `variables`: the agent masks their values in every log
   * and result. Both are added when the coordinator sends the command, never stored in its outbox. Absent from
   * older coordinators, and for events that run no scripts.
   */
  variables: z.record(z.string(), z.string()).optional(),
  secrets: z.record(z.string(), z.string()).optional(),
});
export type RunEvent = z.infer<typeof RunEvent>;

/** The coordinator has durably recorded the result of `commandId`; the agent may forget it. */
export const ResultAck = z.object({ type: z.literal('result-ack'), commandId: z.string() });

/**
 * Replace the agent with the package at `packageUrl` (the coordinator's `GET /install/agent.tgz`, fetched with the
 * host credential). The agent waits until no lifecycle event runs, answers with `upgrade-status`, and restarts.
 */
export const UpgradeAgent = z.object({
  type: z.literal('upgrade-agent'),
  version: z.string().regex(/^[0-9A-Za-z.+-]+$/, 'a version is a single path segment'),
  packageUrl: z.string().url(),
  sha256: Sha256Hex,
});
export type UpgradeAgent = z.infer<typeof UpgradeAgent>;

export const CoordinatorMessage = z.discriminatedUnion('type', [Welcome, RunEvent, ResultAck, WatchHealth, UpgradeAgent]);
export type CoordinatorMessage = z.infer<typeof CoordinatorMessage>;
