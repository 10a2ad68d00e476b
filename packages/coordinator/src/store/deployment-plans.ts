/**
 * Read-only views of started deployments' plans, for the dashboard: where a deployment stands in its batches
 * (and bakes, approvals and traffic steps), and which blue/green environment of a group serves traffic.
 */
import type { DeploymentPlan } from '../engine/index.js';
import type { Database } from './database.js';
import { StoredPlan } from './deployment-progress.js';
import { lastSuccessfulDeployment } from './deployments.js';
import { parseStoredJson } from './stored-json.js';

export interface DeploymentPlanProgress {
  readonly plan: DeploymentPlan;
  /** The batch being deployed, baked or awaiting approval; past the last batch once all are done. */
  readonly batchIndex: number;
  /** ISO time a running bake ends. */
  readonly bakeUntil?: string;
}

/** The plan of a started deployment, or undefined when it has not started (created, queued, failed at creation). */
export function readDeploymentPlan(db: Database, deploymentId: string): DeploymentPlanProgress | undefined {
  const row = db
    .prepare<[string], { plan: string | null; batch_index: number; bake_until: string | null }>(
      'SELECT plan, batch_index, bake_until FROM deployments WHERE id = ?',
    )
    .get(deploymentId);
  if (!row || row.plan === null) return undefined;
  return {
    plan: parseStoredJson(StoredPlan, row.plan, `plan of deployment ${deploymentId}`),
    batchIndex: row.batch_index,
    ...(row.bake_until === null ? {} : { bakeUntil: row.bake_until }),
  };
}

/** The environment serving a blue/green group's traffic: the replacement of its last successful deployment. */
export function readLiveEnvironment(db: Database, groupId: string): string | undefined {
  const last = lastSuccessfulDeployment(db, groupId);
  return last ? readDeploymentPlan(db, last.id)?.plan.environments?.replacement : undefined;
}
