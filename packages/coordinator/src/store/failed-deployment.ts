import { DeploymentStatus } from '@baton/shared';
import type { Database } from './database.js';
import { finishWaitingDeployment, getDeployment, insertDeployment, type DeploymentRecord, type NewDeployment } from './deployments.js';

/**
 * Records a deployment refused before any host was touched (its revision could not be resolved): created and
 * `Failed` in one transaction, so the runner never sees it waiting and never starts it.
 */
export function insertFailedDeployment(
  db: Database,
  input: NewDeployment,
  error: { code: string; message: string },
  now: Date,
): DeploymentRecord {
  return db.transaction(() => {
    const created = insertDeployment(db, input, now);
    finishWaitingDeployment(db, created.id, DeploymentStatus.Failed, error, now);
    return getDeployment(db, created.id)!;
  })();
}
