import { z } from 'zod';
import { allows } from '../access/policy.js';
import { remoteAddress } from '../access/record-changes.js';
import { ApiError } from '../http/errors.js';
import { getApplication } from '../store/applications.js';
import { appendAuditEntry } from '../store/audit-log.js';
import { getDeployment } from '../store/deployments.js';
import { DASHBOARD_ACTIONS, type DashboardAction } from './available-actions.js';
import type { DashboardDeps, DashboardRoutes } from './dashboard-env.js';

const ActionForm = z.object({ action: z.enum(DASHBOARD_ACTIONS) });

/**
 * Carries an action out through the runner, as the API's routes do; undefined when it was done, else why not
 * (the page was out of date: the deployment moved on since it was rendered).
 */
function perform(runner: DashboardDeps['runner'], deploymentId: string, action: DashboardAction): string | undefined {
  switch (action) {
    case 'stop':
    case 'stop-and-roll-back':
      return runner.stop(deploymentId, action === 'stop-and-roll-back') === 'stopped' ? undefined : 'The deployment has already finished.';
    case 'roll-back':
      return runner.rollback(deploymentId) === 'started'
        ? undefined
        : 'Nothing to roll back: the deployment reached no host, is a rollback itself, or was already rolled back.';
    case 'promote':
    case 'continue':
      return runner.approve(deploymentId, action) === 'approved' ? undefined : `The deployment is not waiting for ${action}.`;
  }
}

/**
 * `POST /ui/deployments/:id/actions` (a form: `action`, `_csrf`, checked by the session middleware): stop, stop
 * and roll back, roll back, promote or continue, when the user's role allows deploying the application. Every
 * attempt is audited, refused ones included; the answer sends the browser back to the deployment's page.
 */
export const deploymentActions: DashboardRoutes = (ui, { db, clock, runner }) => {
  ui.post('/deployments/:id/actions', async (c) => {
    const id = c.req.param('id');
    const { action } = ActionForm.parse(await c.req.parseBody());
    const record = getDeployment(db, id);
    if (!record) throw new ApiError(404, 'NOT_FOUND', `deployment '${id}' not found`);
    const applicationName = getApplication(db, record.applicationId)?.name ?? record.applicationId;
    const principal = c.get('principal');
    const allowed = allows(principal, 'deploy', applicationName);
    const refusal = allowed ? perform(runner, id, action) : undefined;
    const status = !allowed ? 403 : refusal !== undefined ? 409 : 303;
    appendAuditEntry(db, {
      actor: { tokenId: principal.tokenId, name: principal.name },
      action: `dashboard: ${action}`,
      target: `/deployments/${id}`,
      source: { channel: 'dashboard', address: remoteAddress(c), forwardedFor: c.req.header('x-forwarded-for') },
      status,
      detail: { application: applicationName },
      at: clock(),
    });
    if (!allowed) throw new ApiError(403, 'FORBIDDEN', `Your token may not deploy application '${applicationName}'.`);
    if (refusal !== undefined) throw new ApiError(409, 'CONFLICT', refusal);
    return c.redirect(`/ui/deployments/${id}`, 303);
  });
};
