/**
 * The read model of deployments for the API and CLI, named as in the reference where it has a name
 * (`deploymentId`, `errorInformation`, `rollbackInfo`, `instances[].lifecycleEvents[]`, ...).
 */
import type { DeploymentStatus, InstanceStatus, LifecycleEventStatus } from '@baton/shared';
import type { Database } from './database.js';
import { DeploymentOptions, RollbackInfo, type DeploymentCreator } from './deployments.js';
import { diagnosticsOf } from './event-diagnostics.js';
import { parseStoredJson } from './stored-json.js';

export interface LifecycleEventView {
  readonly lifecycleEventName: string;
  readonly status: LifecycleEventStatus;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly diagnostics?: { errorCode: string; scriptName?: string; message: string; logTail: string };
}

export interface InstanceView {
  readonly hostId: string;
  readonly name: string;
  readonly status: InstanceStatus;
  readonly lifecycleEvents: LifecycleEventView[];
}

export interface DeploymentView {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly status: DeploymentStatus;
  readonly creator: DeploymentCreator;
  /** `sha256`, `size` and `bundleType` are null when the revision's location could not be resolved. */
  readonly revision: { revisionId: string; location: string; sha256: string | null; size: number | null; bundleType: string | null };
  readonly deploymentConfigName: string;
  readonly fileExistsBehavior?: string;
  readonly ignoreApplicationStopFailures: boolean;
  readonly autoRollbackEnabled: boolean;
  readonly errorInformation?: { code: string; message: string };
  readonly rollbackInfo?: RollbackInfo;
  readonly createTime: string;
  readonly startTime?: string;
  readonly completeTime?: string;
  readonly deploymentOverview: Record<InstanceStatus, number>;
  readonly instances?: InstanceView[];
}

interface Row {
  id: string;
  status: DeploymentStatus;
  creator: DeploymentCreator;
  options: string;
  plan: string | null;
  error_code: string | null;
  error_message: string | null;
  rollback_info: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  application_name: string;
  group_name: string;
  deployment_config: string;
  revision_id: string;
  location: string;
  sha256: string | null;
  size: number | null;
  bundle_type: string | null;
}

const SELECT = `SELECT d.id, d.status, d.creator, d.options, d.plan, d.error_code, d.error_message, d.rollback_info, d.created_at,
  d.started_at, d.completed_at, a.name AS application_name, g.name AS group_name, g.deployment_config, d.revision_id,
  r.location, r.sha256, r.size, r.bundle_type
  FROM deployments d JOIN applications a ON a.id = d.application_id JOIN deployment_groups g ON g.id = d.group_id
  JOIN revisions r ON r.id = d.revision_id`;

export interface DeploymentQuery {
  readonly applicationId?: string;
  /** Only deployments of these applications (a token limited to them); an empty list matches none. */
  readonly applicationIds?: readonly string[];
  readonly groupId?: string;
  readonly status?: DeploymentStatus;
  readonly limit?: number;
}

export function readDeployment(db: Database, id: string): DeploymentView | undefined {
  const row = db.prepare<[string], Row>(`${SELECT} WHERE d.id = ?`).get(id);
  if (!row) return undefined;
  return { ...toView(row, overviewOf(db, [id]).get(id)), instances: instancesOf(db, id) };
}

/** Newest first, without per-host detail. */
export function queryDeployments(db: Database, query: DeploymentQuery): DeploymentView[] {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (query.applicationId) (clauses.push('d.application_id = ?'), params.push(query.applicationId));
  if (query.applicationIds) {
    clauses.push(`d.application_id IN (${query.applicationIds.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...query.applicationIds);
  }
  if (query.groupId) (clauses.push('d.group_id = ?'), params.push(query.groupId));
  if (query.status) (clauses.push('d.status = ?'), params.push(query.status));
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  params.push(query.limit ?? 50);
  const rows = db.prepare<(string | number)[], Row>(`${SELECT} ${where} ORDER BY d.seq DESC LIMIT ?`).all(...params);
  const overviews = overviewOf(db, rows.map((row) => row.id));
  return rows.map((row) => toView(row, overviews.get(row.id)));
}

const emptyOverview = (): Record<InstanceStatus, number> => ({
  Pending: 0,
  InProgress: 0,
  Succeeded: 0,
  Failed: 0,
  Skipped: 0,
  Unknown: 0,
  Ready: 0,
});

function overviewOf(db: Database, ids: readonly string[]): Map<string, Record<InstanceStatus, number>> {
  const result = new Map<string, Record<InstanceStatus, number>>();
  if (ids.length === 0) return result;
  const rows = db
    .prepare<string[], { deployment_id: string; status: InstanceStatus; n: number }>(
      `SELECT deployment_id, status, COUNT(*) AS n FROM deployment_hosts WHERE deployment_id IN (${ids.map(() => '?').join(',')})
       GROUP BY deployment_id, status`,
    )
    .all(...ids);
  for (const row of rows) {
    const overview = result.get(row.deployment_id) ?? emptyOverview();
    overview[row.status] = row.n;
    result.set(row.deployment_id, overview);
  }
  return result;
}

function toView(row: Row, overview: Record<InstanceStatus, number> | undefined): DeploymentView {
  const options = parseStoredJson(DeploymentOptions, row.options, `options of deployment ${row.id}`);
  const planned = row.plan === null ? undefined : (JSON.parse(row.plan) as { deploymentConfigName?: string });
  const groupConfig = JSON.parse(row.deployment_config) as { name?: string };
  return {
    deploymentId: row.id,
    applicationName: row.application_name,
    deploymentGroupName: row.group_name,
    status: row.status,
    creator: row.creator,
    revision: { revisionId: row.revision_id, location: row.location, sha256: row.sha256, size: row.size, bundleType: row.bundle_type },
    deploymentConfigName: planned?.deploymentConfigName ?? groupConfig.name ?? 'unknown',
    ...(options.fileExistsBehavior ? { fileExistsBehavior: options.fileExistsBehavior } : {}),
    ignoreApplicationStopFailures: options.ignoreApplicationStopFailures,
    autoRollbackEnabled: options.autoRollback,
    ...(row.error_code === null ? {} : { errorInformation: { code: row.error_code, message: row.error_message ?? '' } }),
    ...(row.rollback_info === null ? {} : { rollbackInfo: parseStoredJson(RollbackInfo, row.rollback_info, `rollback info of ${row.id}`) }),
    createTime: row.created_at,
    ...(row.started_at === null ? {} : { startTime: row.started_at }),
    ...(row.completed_at === null ? {} : { completeTime: row.completed_at }),
    deploymentOverview: overview ?? emptyOverview(),
  };
}

function instancesOf(db: Database, deploymentId: string): InstanceView[] {
  const hosts = db
    .prepare<[string], { host_id: string; name: string; status: InstanceStatus }>(
      `SELECT dh.host_id, h.name, dh.status FROM deployment_hosts dh JOIN hosts h ON h.id = dh.host_id
       WHERE dh.deployment_id = ? ORDER BY dh.position`,
    )
    .all(deploymentId);
  const events = db
    .prepare<
      [string],
      {
        host_id: string;
        event_name: string;
        status: LifecycleEventStatus;
        start_time: string | null;
        end_time: string | null;
        error_code: string | null;
        script_name: string | null;
        message: string | null;
        log_tail: string | null;
      }
    >('SELECT * FROM lifecycle_events WHERE deployment_id = ? ORDER BY host_id, position')
    .all(deploymentId);
  const byHost = new Map<string, LifecycleEventView[]>();
  for (const event of events) {
    const list = byHost.get(event.host_id) ?? [];
    list.push({
      lifecycleEventName: event.event_name,
      status: event.status,
      ...(event.start_time === null ? {} : { startTime: event.start_time }),
      ...(event.end_time === null ? {} : { endTime: event.end_time }),
      ...diagnosticsOf(event),
    });
    byHost.set(event.host_id, list);
  }
  return hosts.map((host) => ({ hostId: host.host_id, name: host.name, status: host.status, lifecycleEvents: byHost.get(host.host_id) ?? [] }));
}
