import { isTerminalDeploymentStatus } from '@baton/shared';
import { allows, type Principal } from '../access/policy.js';
import type { DeploymentView } from '../store/deployment-read-model.js';

export const DASHBOARD_ACTIONS = ['stop', 'stop-and-roll-back', 'roll-back', 'promote', 'continue'] as const;
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

export const ACTION_LABELS: Readonly<Record<DashboardAction, string>> = {
  stop: 'Stop',
  'stop-and-roll-back': 'Stop and roll back',
  'roll-back': 'Roll back',
  promote: 'Promote',
  continue: 'Continue',
};

/**
 * The buttons a deployment's page offers to this user: only what their role allows on the deployment's
 * application, and only what the deployment's state admits (the runner still has the last word).
 * `waitingFor`: the approval a Ready deployment waits for at its current batch.
 */
export function availableActions(
  deployment: Pick<DeploymentView, 'status' | 'creator' | 'applicationName' | 'rollbackInfo'>,
  waitingFor: 'promote' | 'continue' | undefined,
  principal: Principal,
): DashboardAction[] {
  if (!allows(principal, 'deploy', deployment.applicationName)) return [];
  if (!isTerminalDeploymentStatus(deployment.status)) {
    const approval = deployment.status === 'Ready' && waitingFor ? [waitingFor] : [];
    return [...approval, 'stop', 'stop-and-roll-back'];
  }
  const undoable = deployment.creator !== 'rollback' && deployment.rollbackInfo?.rollbackDeploymentId === undefined;
  return undoable ? ['roll-back'] : [];
}
