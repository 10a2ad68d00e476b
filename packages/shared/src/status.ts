/**
 * Status vocabularies, named as in the CodeDeploy reference (section 7). Wire and stored values are these
 * exact strings.
 */

export const DeploymentStatus = {
  Created: 'Created',
  Queued: 'Queued',
  InProgress: 'InProgress',
  Baking: 'Baking',
  Ready: 'Ready',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Stopped: 'Stopped',
} as const;
export type DeploymentStatus = (typeof DeploymentStatus)[keyof typeof DeploymentStatus];

const terminalDeploymentStatuses: ReadonlySet<DeploymentStatus> = new Set([
  DeploymentStatus.Succeeded,
  DeploymentStatus.Failed,
  DeploymentStatus.Stopped,
]);
export const isTerminalDeploymentStatus = (status: DeploymentStatus): boolean => terminalDeploymentStatuses.has(status);

/** Per-host status within one deployment ("instance" in the reference). */
export const InstanceStatus = {
  Pending: 'Pending',
  InProgress: 'InProgress',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Skipped: 'Skipped',
  Unknown: 'Unknown',
  Ready: 'Ready',
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

const terminalInstanceStatuses: ReadonlySet<InstanceStatus> = new Set([
  InstanceStatus.Succeeded,
  InstanceStatus.Failed,
  InstanceStatus.Skipped,
]);
export const isTerminalInstanceStatus = (status: InstanceStatus): boolean => terminalInstanceStatuses.has(status);

export const LifecycleEventStatus = {
  Pending: 'Pending',
  InProgress: 'InProgress',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Skipped: 'Skipped',
  Unknown: 'Unknown',
} as const;
export type LifecycleEventStatus = (typeof LifecycleEventStatus)[keyof typeof LifecycleEventStatus];

/** The statuses an agent may report for a finished lifecycle event. */
export type EventOutcome = typeof LifecycleEventStatus.Succeeded | typeof LifecycleEventStatus.Failed;
