/**
 * Deployment rows: creation, queueing and the few whole-deployment facts outside the engine's step
 * (rollback links). Per-host progress lives in `deployment-progress.ts`.
 */
import { DeploymentStatus, err, FileExistsBehavior, ok, type Result } from '@baton/shared';
import { z } from 'zod';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { parseStoredJson } from './stored-json.js';

export const DeploymentOptions = z.object({
  fileExistsBehavior: FileExistsBehavior.optional(),
  ignoreApplicationStopFailures: z.boolean().default(false),
  /** Whether a failure of this deployment starts a rollback (the group's setting when it was created). */
  autoRollback: z.boolean().default(false),
  description: z.string().optional(),
  /** This deployment's strategy, overriding the group's (in the group file's form). */
  strategy: z.record(z.string(), z.unknown()).optional(),
  /** A blue/green rollback: move traffic from `replacement` back to `original`, install nothing. */
  reroute: z.object({ original: z.string(), replacement: z.string() }).optional(),
});
export type DeploymentOptions = z.infer<typeof DeploymentOptions>;

/** Who asked: a user, a rollback, or the automatic update of a new or returning host. */
export type DeploymentCreator = 'user' | 'rollback' | 'autoUpdate';

export const RollbackInfo = z.object({
  rollbackDeploymentId: z.string().optional(),
  rollbackTriggeringDeploymentId: z.string().optional(),
  rollbackMessage: z.string().optional(),
});
export type RollbackInfo = z.infer<typeof RollbackInfo>;

const HostIds = z.array(z.string());

export interface DeploymentRecord {
  readonly id: string;
  readonly seq: number;
  readonly applicationId: string;
  readonly groupId: string;
  readonly revisionId: string;
  readonly status: DeploymentStatus;
  readonly creator: DeploymentCreator;
  readonly options: DeploymentOptions;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly rollbackInfo: RollbackInfo | undefined;
  /** Explicit targets (a rollback's hosts); undefined means the group's hosts when it starts. */
  readonly targetHostIds: readonly string[] | undefined;
  readonly createdAt: string;
  readonly startedAt: string | undefined;
  readonly completedAt: string | undefined;
}

interface DeploymentRow {
  id: string;
  seq: number;
  application_id: string;
  group_id: string;
  revision_id: string;
  status: DeploymentStatus;
  creator: DeploymentCreator;
  options: string;
  error_code: string | null;
  error_message: string | null;
  rollback_info: string | null;
  target_host_ids: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

const toRecord = (row: DeploymentRow): DeploymentRecord => ({
  id: row.id,
  seq: row.seq,
  applicationId: row.application_id,
  groupId: row.group_id,
  revisionId: row.revision_id,
  status: row.status,
  creator: row.creator,
  options: parseStoredJson(DeploymentOptions, row.options, `options of deployment ${row.id}`),
  errorCode: row.error_code ?? undefined,
  errorMessage: row.error_message ?? undefined,
  rollbackInfo: row.rollback_info === null ? undefined : parseStoredJson(RollbackInfo, row.rollback_info, `rollback info of ${row.id}`),
  targetHostIds: row.target_host_ids === null ? undefined : parseStoredJson(HostIds, row.target_host_ids, `targets of ${row.id}`),
  createdAt: row.created_at,
  startedAt: row.started_at ?? undefined,
  completedAt: row.completed_at ?? undefined,
});

export interface NewDeployment {
  readonly applicationId: string;
  readonly groupId: string;
  readonly revisionId: string;
  readonly creator: DeploymentCreator;
  readonly options: DeploymentOptions;
  readonly targetHostIds?: readonly string[];
  readonly rollbackInfo?: RollbackInfo;
}

/** Why a deployment was not created: its group is deleted (and so, maybe, its application). */
export type InsertRefusal = 'GROUP_DELETED';

/**
 * Inserts a deployment as `Created`; the runner moves it to `InProgress` or `Queued`. A deleted group takes no
 * new deployment, whoever asks (a user, a rollback, an outdated host's update): checked in the insert itself, so
 * a deletion between a caller's look-up and this insert cannot slip one in.
 */
export function insertDeployment(db: Database, input: NewDeployment, now: Date): Result<DeploymentRecord, InsertRefusal> {
  const id = newId('d');
  const { changes } = db
    .prepare(
      `INSERT INTO deployments (id, seq, application_id, group_id, revision_id, status, creator, options, rollback_info,
         target_host_ids, created_at)
       SELECT ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM deployments), ?, g.id, ?, 'Created', ?, ?, ?, ?, ?
       FROM deployment_groups g WHERE g.id = ? AND g.deleted_at IS NULL`,
    )
    .run(
      id,
      input.applicationId,
      input.revisionId,
      input.creator,
      JSON.stringify(input.options),
      input.rollbackInfo ? JSON.stringify(input.rollbackInfo) : null,
      input.targetHostIds ? JSON.stringify(input.targetHostIds) : null,
      now.toISOString(),
      input.groupId,
    );
  return changes === 0 ? err('GROUP_DELETED') : ok(getDeployment(db, id)!);
}

export function getDeployment(db: Database, id: string): DeploymentRecord | undefined {
  const row = db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE id = ?').get(id);
  return row && toRecord(row);
}

export interface DeploymentFilter {
  readonly applicationId?: string;
  readonly groupId?: string;
  readonly status?: DeploymentStatus;
  readonly limit?: number;
}

/** Newest first. */
export function listDeployments(db: Database, filter: DeploymentFilter = {}): DeploymentRecord[] {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (filter.applicationId) (clauses.push('application_id = ?'), params.push(filter.applicationId));
  if (filter.groupId) (clauses.push('group_id = ?'), params.push(filter.groupId));
  if (filter.status) (clauses.push('status = ?'), params.push(filter.status));
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  params.push(filter.limit ?? 100);
  return db.prepare<(string | number)[], DeploymentRow>(`SELECT * FROM deployments ${where} ORDER BY seq DESC LIMIT ?`).all(...params).map(toRecord);
}

/** Deployments the runner must drive: started and not finished. */
export function listActiveDeploymentIds(db: Database): string[] {
  return db
    .prepare<[], { id: string }>(`SELECT id FROM deployments WHERE status IN ('InProgress', 'Baking', 'Ready') ORDER BY seq`)
    .all()
    .map((row) => row.id);
}

export function hasActiveDeployment(db: Database, groupId: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM deployments WHERE group_id = ? AND status IN ('InProgress', 'Baking', 'Ready') LIMIT 1`).get(groupId) !==
    undefined
  );
}

/** Groups with deployments waiting to start. */
export function listGroupsWithWaitingDeployments(db: Database): string[] {
  return db
    .prepare<[], { group_id: string }>(`SELECT DISTINCT group_id FROM deployments WHERE status IN ('Created', 'Queued')`)
    .all()
    .map((row) => row.group_id);
}

/**
 * Whether a deployment of the group will reach the host without further ado: a waiting one aimed at the whole
 * group (it takes every matching host when it starts) or at this host, or an active one that includes it.
 */
export function willReachHost(db: Database, groupId: string, hostId: string): boolean {
  return (
    db
      .prepare<{ groupId: string; hostId: string }>(
        `SELECT 1 FROM deployments d WHERE d.group_id = @groupId AND (
           (d.status IN ('Created', 'Queued')
             AND (d.target_host_ids IS NULL OR EXISTS (SELECT 1 FROM json_each(d.target_host_ids) t WHERE t.value = @hostId)))
           OR (d.status IN ('InProgress', 'Baking', 'Ready')
             AND EXISTS (SELECT 1 FROM deployment_hosts dh WHERE dh.deployment_id = d.id AND dh.host_id = @hostId))) LIMIT 1`,
      )
      .get({ groupId, hostId }) !== undefined
  );
}

/** The next deployment to start in a group: rollbacks first (they repair), then creation order. */
export function nextWaitingDeployment(db: Database, groupId: string): DeploymentRecord | undefined {
  const row = db
    .prepare<[string], DeploymentRow>(
      `SELECT * FROM deployments WHERE group_id = ? AND status IN ('Created', 'Queued')
       ORDER BY CASE creator WHEN 'rollback' THEN 0 ELSE 1 END, seq LIMIT 1`,
    )
    .get(groupId);
  return row && toRecord(row);
}

/** Marks every `Created` deployment of the group `Queued` behind its active one; returns their ids. */
export function queueCreatedDeployments(db: Database, groupId: string): string[] {
  return db
    .prepare<[string], { id: string }>(`UPDATE deployments SET status = 'Queued' WHERE group_id = ? AND status = 'Created' RETURNING id`)
    .all(groupId)
    .map((row) => row.id);
}

/** Ends a deployment that never started (stopped while waiting, or refused before any host was touched). */
export function finishWaitingDeployment(
  db: Database,
  id: string,
  status: typeof DeploymentStatus.Stopped | typeof DeploymentStatus.Failed,
  error: { code: string; message: string },
  now: Date,
): boolean {
  const { changes } = db
    .prepare(
      `UPDATE deployments SET status = ?, error_code = ?, error_message = ?, completed_at = ?
       WHERE id = ? AND status IN ('Created', 'Queued')`,
    )
    .run(status, error.code, error.message, now.toISOString(), id);
  return changes === 1;
}

export function setRollbackInfo(db: Database, id: string, info: RollbackInfo): void {
  db.prepare('UPDATE deployments SET rollback_info = ? WHERE id = ?').run(JSON.stringify(info), id);
}

/**
 * The order of "the group's last ...", most recent first, for a query naming `deployments` as `d`: by start
 * (`start_seq`, numbered as deployments start). A group runs one deployment at a time, so it starts them in the
 * order they reach hosts and end. Not by `seq` (creation order): a rollback jumps the queue, created after
 * deployments already waiting yet run before them, so by `seq` it would outrank a deployment that succeeded after it.
 */
export const LATEST_STARTED_FIRST = 'd.start_seq DESC';

/**
 * The group's most recent successful deployment other than `excludingId`: what a rollback redeploys, and what a
 * new or returning host receives.
 */
export function lastSuccessfulDeployment(db: Database, groupId: string, excludingId?: string): DeploymentRecord | undefined {
  const row = db
    .prepare<[string, string], DeploymentRow>(
      `SELECT * FROM deployments d WHERE d.group_id = ? AND d.status = 'Succeeded' AND d.id != ? ORDER BY ${LATEST_STARTED_FIRST} LIMIT 1`,
    )
    .get(groupId, excludingId ?? '');
  return row && toRecord(row);
}
