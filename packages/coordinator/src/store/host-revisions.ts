import type { Database } from './database.js';

/**
 * Whether the bundle with digest `sha256` is one the coordinator sends `hostId`: the revision of a deployment
 * that includes the host. Every run-event names its deployment's revision, and user deployments, rollbacks and
 * the updates of outdated hosts are all deployments with a row per host (written when the deployment starts,
 * in the transaction that queues its first commands), so this is exactly what the host can be told to fetch.
 * A deployment that has ended still counts: the host was entitled to those bytes and may hold them already.
 */
export function isRevisionOfHost(db: Database, hostId: string, sha256: string): boolean {
  // CROSS JOIN fixes SQLite's loop order: from the digest (revisions_by_sha256, migration 012) to that revision's
  // deployments, each a probe of deployment_hosts' primary key. Left to itself the planner walks the host's
  // whole deployment history instead, which only grows.
  const row = db
    .prepare<[string, string], { found: number }>(
      `SELECT EXISTS (
         SELECT 1 FROM revisions r
         CROSS JOIN deployments d ON d.revision_id = r.id
         CROSS JOIN deployment_hosts dh ON dh.deployment_id = d.id AND dh.host_id = ?
         WHERE r.sha256 = ?
       ) AS found`,
    )
    .get(hostId, sha256);
  return row?.found === 1;
}
