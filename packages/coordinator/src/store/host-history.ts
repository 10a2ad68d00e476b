import type { Database } from './database.js';

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
       WHERE d.group_id = ? AND dh.status IN ('Succeeded', 'Failed') ORDER BY d.seq DESC`,
    )
    .all(groupId);
  const history = new Map<string, HostHistory>();
  for (const row of rows) {
    if (history.has(row.host_id)) continue;
    history.set(row.host_id, { lastOutcome: row.status === 'Succeeded' ? 'succeeded' : 'failed', revisionId: row.revision_id });
  }
  return history;
}

/** The revision of the group's most recent finished deployment to one host (indexed by host). */
export function lastRevisionOnHost(db: Database, groupId: string, hostId: string): string | undefined {
  return db
    .prepare<[string, string], { revision_id: string }>(
      `SELECT d.revision_id FROM deployment_hosts dh JOIN deployments d ON d.id = dh.deployment_id
       WHERE dh.host_id = ? AND d.group_id = ? AND dh.status IN ('Succeeded', 'Failed') ORDER BY d.seq DESC LIMIT 1`,
    )
    .get(hostId, groupId)?.revision_id;
}
