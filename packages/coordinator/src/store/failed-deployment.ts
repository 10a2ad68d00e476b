import { DeploymentStatus, ok, type Result } from '@baton/shared';
import type { Database } from './database.js';
import {
  finishWaitingDeployment,
  getDeployment,
  insertDeployment,
  type DeploymentRecord,
  type InsertRefusal,
  type NewDeployment,
} from './deployments.js';

/**
 * Records a deployment refused before any host was touched (its revision could not be resolved): created and
 * `Failed` in one transaction, so the runner never sees it waiting and never starts it.
 */
export function insertFailedDeployment(
  db: Database,
  input: NewDeployment,
  error: { code: string; message: string },
  now: Date,
): Result<DeploymentRecord, InsertRefusal> {
  return db.transaction((): Result<DeploymentRecord, InsertRefusal> => {
    const created = insertDeployment(db, input, now);
    if (!created.ok) return created;
    finishWaitingDeployment(db, created.value.id, DeploymentStatus.Failed, error, now);
    return ok(getDeployment(db, created.value.id)!);
  })();
}
