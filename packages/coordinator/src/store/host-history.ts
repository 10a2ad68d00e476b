import type { Database } from './database.js';
import { LATEST_STARTED_FIRST, type DeploymentCreator } from './deployments.js';

export interface HostHistory {
  readonly lastOutcome: 'succeeded' | 'failed';
  readonly revisionId: string;
}

/**
 * For each host, the outcome and revision of the group's most recent finished deployment to it: what the
 * engine needs to order hosts (unhealthy first, then unknown, old and current revision).
 */
export function hostHistoryInGroup(db: Database, groupId: string): Map<string, HostHistory> {
  const rows = db
    .prepare<[string], { host_id: string; status: string; revision_id: string }>(
      `SELECT dh.host_id, dh.status, d.revision_id FROM deployment_hosts dh JOIN deployments d ON d.id = dh.deployment_id
       WHERE d.group_id = ? AND dh.status IN ('Succeeded', 'Failed') ORDER BY ${LATEST_STARTED_FIRST}`,
    )
    .all(groupId);
  const history = new Map<string, HostHistory>();
  for (const row of rows) {
    if (history.has(row.host_id)) continue;
    history.set(row.host_id, { lastOutcome: row.status === 'Succeeded' ? 'succeeded' : 'failed', revisionId: row.revision_id });
  }
  return history;
}

/** How the group's most recent finished deployment to one host went for it. */
export interface LastDeploymentOnHost {
  readonly revisionId: string;
  readonly succeeded: boolean;
  readonly creator: DeploymentCreator;
  /** That deployment last saw the host offline: its failure there may only mean that it had vanished. */
  readonly endedOffline: boolean;
}

/** The group's most recent finished deployment to one host (indexed by host), if any. */
export function lastDeploymentOnHost(db: Database, groupId: string, hostId: string): LastDeploymentOnHost | undefined {
  const row = db
    .prepare<[string, string], { revision_id: string; status: string; creator: DeploymentCreator; online: number }>(
      `SELECT d.revision_id, dh.status, d.creator, dh.online FROM deployment_hosts dh JOIN deployments d ON d.id = dh.deployment_id
       WHERE dh.host_id = ? AND d.group_id = ? AND dh.status IN ('Succeeded', 'Failed') ORDER BY ${LATEST_STARTED_FIRST} LIMIT 1`,
    )
    .get(hostId, groupId);
  return row && { revisionId: row.revision_id, succeeded: row.status === 'Succeeded', creator: row.creator, endedOffline: row.online === 0 };
}
