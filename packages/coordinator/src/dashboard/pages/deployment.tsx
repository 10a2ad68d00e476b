import type { Principal } from '../../access/policy.js';
import { ApiError } from '../../http/errors.js';
import { readHookOutput } from '../../logs/hook-output-store.js';
import type { Database } from '../../store/database.js';
import { readDeployment, type DeploymentView } from '../../store/deployment-read-model.js';
import { readDeploymentPlan, type DeploymentPlanProgress } from '../../store/deployment-plans.js';
import { availableActions } from '../available-actions.js';
import { DeploymentSummary } from '../components/deployment-summary.js';
import { Layout } from '../components/layout.js';
import { LogViewer } from '../components/log-viewer.js';
import { Timeline } from '../components/timeline.js';
import { chromeOf, type DashboardRoutes } from '../dashboard-env.js';
import { requireRead } from '../read-access.js';

/** Lines of hook output a page (or a stream's catch-up) carries at most; `baton logs` shows them all. */
export const LOG_BACKLOG_LINES = 5000;

/** The approval a Ready deployment waits for at its current batch. */
const awaitedApproval = (deployment: DeploymentView, progress: DeploymentPlanProgress | undefined) =>
  deployment.status === 'Ready' ? progress?.plan.batches[progress.batchIndex]?.approval : undefined;

/** The deployment's summary as this user sees it (with the actions their role allows); the live stream re-renders it. */
export function renderSummary(db: Database, deployment: DeploymentView, principal: Principal, csrfToken: string) {
  const progress = readDeploymentPlan(db, deployment.deploymentId);
  const actions = availableActions(deployment, awaitedApproval(deployment, progress), principal);
  return <DeploymentSummary deployment={deployment} progress={progress} actions={actions} csrfToken={csrfToken} />;
}

/** A deployment a principal may read, or a 404/403 page. */
export function requireDeployment(db: Database, id: string, principal: Principal): DeploymentView {
  const deployment = readDeployment(db, id);
  if (!deployment) throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
  requireRead(principal, deployment.applicationName);
  return deployment;
}

/** A deployment's page: summary and progress, the per-host timeline, and the hooks' output, all live. */
export const deploymentPage: DashboardRoutes = (ui, context) => {
  ui.get('/deployments/:id', (c) => {
    const principal = c.get('principal');
    const deployment = requireDeployment(context.db, c.req.param('id'), principal);
    const output = readHookOutput(context.db, deployment.deploymentId, {}, 0, LOG_BACKLOG_LINES);
    const stream = `/ui/deployments/${deployment.deploymentId}/stream?after=${output.at(-1)?.id ?? 0}`;
    return c.html(
      <Layout chrome={chromeOf(c, context.assets)} title={`Deployment ${deployment.deploymentId}`} section="deployments" stream={stream}>
        <p>
          <a href="/ui/deployments">Deployments</a> <span id="live" class="live" aria-live="polite"></span>
        </p>
        {renderSummary(context.db, deployment, principal, c.get('session').csrfToken)}
        <Timeline instances={deployment.instances ?? []} />
        <LogViewer lines={output} />
      </Layout>,
    );
  });
};
