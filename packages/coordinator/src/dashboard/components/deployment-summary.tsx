import { isTerminalDeploymentStatus } from '@baton/shared';
import type { FC } from 'hono/jsx';
import type { DeploymentView } from '../../store/deployment-read-model.js';
import type { DeploymentPlanProgress } from '../../store/deployment-plans.js';
import { ACTION_LABELS, type DashboardAction } from '../available-actions.js';
import { formatDuration, formatOverview, formatTime } from '../format.js';
import { StatusBadge } from './layout.js';

interface SummaryProps {
  readonly deployment: DeploymentView;
  readonly progress: DeploymentPlanProgress | undefined;
  readonly actions: readonly DashboardAction[];
  readonly csrfToken: string;
}

const deploymentLink = (id: string) => <a href={`/ui/deployments/${id}`}>{id}</a>;

/** The deployment's header: status, what and where, why it failed, rollbacks, batch progress and the actions. */
export const DeploymentSummary: FC<SummaryProps> = ({ deployment, progress, actions, csrfToken }) => {
  const { rollbackInfo, errorInformation } = deployment;
  const app = encodeURIComponent(deployment.applicationName);
  return (
    <section id="summary" aria-labelledby="deployment-title">
      <h1 id="deployment-title">
        Deployment {deployment.deploymentId} <StatusBadge status={deployment.status} />
      </h1>
      <dl class="facts">
        <dt>Application</dt>
        <dd>
          <a href={`/ui/applications/${app}`}>{deployment.applicationName}</a>
        </dd>
        <dt>Group</dt>
        <dd>
          <a href={`/ui/applications/${app}/groups/${encodeURIComponent(deployment.deploymentGroupName)}`}>{deployment.deploymentGroupName}</a>
        </dd>
        <dt>Revision</dt>
        <dd class="mono">{deployment.revision.location}</dd>
        <dt>Configuration</dt>
        <dd>{deployment.deploymentConfigName}</dd>
        <dt>Created by</dt>
        <dd>{deployment.creator}</dd>
        <dt>Created</dt>
        <dd>{formatTime(deployment.createTime)}</dd>
        {deployment.completeTime && <dt>Completed</dt>}
        {deployment.completeTime && <dd>{formatTime(deployment.completeTime)}</dd>}
        <dt>Hosts</dt>
        <dd>
          {formatOverview(deployment.deploymentOverview) || 'none yet'}
        </dd>
      </dl>
      {errorInformation && (
        <p class="problem" role="alert">
          <strong>{errorInformation.code}</strong>: {errorInformation.message}
        </p>
      )}
      {rollbackInfo?.rollbackDeploymentId && (
        <p class="notice">
          Rolled back by <span class="rollback-link">{deploymentLink(rollbackInfo.rollbackDeploymentId)}</span>
          {rollbackInfo.rollbackMessage && <>: {rollbackInfo.rollbackMessage}</>}
        </p>
      )}
      {!rollbackInfo?.rollbackDeploymentId && rollbackInfo?.rollbackMessage && <p class="notice">{rollbackInfo.rollbackMessage}</p>}
      {rollbackInfo?.rollbackTriggeringDeploymentId && <p class="notice">Rolls back {deploymentLink(rollbackInfo.rollbackTriggeringDeploymentId)}</p>}
      {progress && <Progress deployment={deployment} progress={progress} />}
      {actions.length > 0 && (
        <div class="actions">
          {actions.map((action) => (
            <form method="post" action={`/ui/deployments/${deployment.deploymentId}/actions`}>
              <input type="hidden" name="_csrf" value={csrfToken} />
              <input type="hidden" name="action" value={action} />
              <button type="submit" class={action.startsWith('stop') ? 'danger' : undefined}>
                {ACTION_LABELS[action]}
              </button>
            </form>
          ))}
        </div>
      )}
    </section>
  );
};

/** Batches (phases, traffic steps) in order: done, the current one and what it is doing, those to come. */
const Progress: FC<{ deployment: DeploymentView; progress: DeploymentPlanProgress }> = ({ deployment, progress }) => {
  const { plan, batchIndex, bakeUntil } = progress;
  const running = !isTerminalDeploymentStatus(deployment.status);
  return (
    <>
      <h2>Progress</h2>
      <p>
        Strategy {plan.strategy}
        {plan.environments && ` · traffic moves from ${plan.environments.original} to ${plan.environments.replacement}`}
        {running && batchIndex < plan.batches.length && ` · batch ${batchIndex + 1} of ${plan.batches.length}`}
      </p>
      <ol class="batches">
        {plan.batches.map((batch, index) => {
          const state = index < batchIndex ? 'done' : index === batchIndex && running ? currentState(deployment.status, batch.approval, bakeUntil) : undefined;
          return (
            <li class={index < batchIndex ? 'batch-done' : index === batchIndex && running ? 'batch-current' : undefined}>
              <strong>{batch.label}</strong> · {batch.hostIds.length} host{batch.hostIds.length === 1 ? '' : 's'}
              {batch.trafficShift && ` · traffic ${batch.trafficShift.percent}%`}
              {batch.canaryTraffic?.weightPercent !== undefined && ` · canary weight ${batch.canaryTraffic.weightPercent}%`}
              {batch.bakeMs > 0 && ` · bake ${formatDuration(batch.bakeMs)}`}
              {batch.approval && ` · then ${batch.approval}`}
              {state && <em> — {state}</em>}
            </li>
          );
        })}
      </ol>
    </>
  );
};

function currentState(status: DeploymentView['status'], approval: string | undefined, bakeUntil: string | undefined): string {
  if (status === 'Baking') return bakeUntil ? `baking until ${formatTime(bakeUntil)}` : 'baking';
  if (status === 'Ready') return approval ? `waiting for ${approval}` : 'ready';
  return 'deploying';
}
