import type { DeploymentStatus } from '@baton/shared';
import type { Database } from './database.js';

export interface RevisionUsage {
  /** When a deployment of the revision first and last started; absent until one has. */
  readonly firstDeployedAt?: string;
  readonly lastDeployedAt?: string;
  /** Newest first, at most `limit`. */
  readonly deployments: readonly {
    readonly deploymentId: string;
    readonly deploymentGroupName: string;
    readonly status: DeploymentStatus;
    readonly createTime: string;
  }[];
}

/** Which deployments used a revision, and when it was first and last deployed. */
export function revisionUsage(db: Database, revisionId: string, limit = 100): RevisionUsage {
  const span = db
    .prepare<[string], { first: string | null; last: string | null }>(
      'SELECT MIN(started_at) AS first, MAX(started_at) AS last FROM deployments WHERE revision_id = ?',
    )
    .get(revisionId);
  const deployments = db
    .prepare<[string, number], { id: string; group_name: string; status: DeploymentStatus; created_at: string }>(
      `SELECT d.id, g.name AS group_name, d.status, d.created_at FROM deployments d JOIN deployment_groups g ON g.id = d.group_id
       WHERE d.revision_id = ? ORDER BY d.seq DESC LIMIT ?`,
    )
    .all(revisionId, limit)
    .map((row) => ({ deploymentId: row.id, deploymentGroupName: row.group_name, status: row.status, createTime: row.created_at }));
  return {
    ...(span?.first ? { firstDeployedAt: span.first } : {}),
    ...(span?.last ? { lastDeployedAt: span.last } : {}),
    deployments,
  };
}
