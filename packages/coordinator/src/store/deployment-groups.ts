import { err, HostSelector, matchesSelector, ok, type DeploymentConfig, type Result } from '@baton/shared';
import { z } from 'zod';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { listHosts, type Host } from './hosts.js';
import { parseStoredJson } from './stored-json.js';

export interface DeploymentGroup {
  readonly id: string;
  readonly applicationId: string;
  readonly name: string;
  /** Which hosts belong to the group, evaluated whenever it is needed: hosts join and leave by their tags. */
  readonly hostSelector: HostSelector;
  readonly deploymentConfig: DeploymentConfig;
  readonly autoRollback: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The stored form of a resolved configuration; checked against the shared type at compile time. */
const StoredDeploymentConfig = z.object({
  name: z.string(),
  minimumHealthyHosts: z.union([
    z.object({ type: z.enum(['HOST_COUNT', 'FLEET_PERCENT']), value: z.number().int().nonnegative() }),
    z.object({ type: z.literal('ALL_BUT_ONE') }),
  ]),
}) satisfies z.ZodType<DeploymentConfig>;

interface DeploymentGroupRow {
  id: string;
  application_id: string;
  name: string;
  host_selector: string;
  deployment_config: string;
  auto_rollback: number;
  created_at: string;
  updated_at: string;
}

const toDeploymentGroup = (row: DeploymentGroupRow): DeploymentGroup => ({
  id: row.id,
  applicationId: row.application_id,
  name: row.name,
  hostSelector: parseStoredJson(HostSelector, row.host_selector, `host selector of group ${row.id}`),
  deploymentConfig: parseStoredJson(StoredDeploymentConfig, row.deployment_config, `configuration of group ${row.id}`),
  autoRollback: row.auto_rollback === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface DeploymentGroupSettings {
  readonly hostSelector: HostSelector;
  readonly deploymentConfig: DeploymentConfig;
  readonly autoRollback: boolean;
}

/** Group names are unique within their application: a second group with the same name is refused. */
export function createDeploymentGroup(
  db: Database,
  input: { applicationId: string; name: string } & DeploymentGroupSettings,
  now: Date,
): Result<DeploymentGroup, 'ALREADY_EXISTS'> {
  const id = newId('dg');
  const { changes } = db
    .prepare(
      `INSERT INTO deployment_groups
         (id, application_id, name, host_selector, deployment_config, auto_rollback, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (application_id, name) DO NOTHING`,
    )
    .run(
      id,
      input.applicationId,
      input.name,
      JSON.stringify(input.hostSelector),
      JSON.stringify(input.deploymentConfig),
      input.autoRollback ? 1 : 0,
      now.toISOString(),
      now.toISOString(),
    );
  if (changes === 0) return err('ALREADY_EXISTS');
  return ok(requireGroup(db, id));
}

/**
 * Replaces the settings given in `changes`, keeping the others. A running deployment is unaffected: it fixed
 * its hosts and configuration when it started. Returns undefined when there is no such group.
 */
export function updateDeploymentGroup(
  db: Database,
  id: string,
  changes: Partial<DeploymentGroupSettings>,
  now: Date,
): DeploymentGroup | undefined {
  return db.transaction(() => {
    const current = getDeploymentGroup(db, id);
    if (!current) return undefined;
    const next = { ...current, ...changes };
    db.prepare(
      `UPDATE deployment_groups SET host_selector = ?, deployment_config = ?, auto_rollback = ?, updated_at = ?
       WHERE id = ?`,
    ).run(
      JSON.stringify(next.hostSelector),
      JSON.stringify(next.deploymentConfig),
      next.autoRollback ? 1 : 0,
      now.toISOString(),
      id,
    );
    return requireGroup(db, id);
  })();
}

export function getDeploymentGroup(db: Database, id: string): DeploymentGroup | undefined {
  const row = db.prepare<[string], DeploymentGroupRow>('SELECT * FROM deployment_groups WHERE id = ?').get(id);
  return row && toDeploymentGroup(row);
}

export function getDeploymentGroupByName(db: Database, applicationId: string, name: string): DeploymentGroup | undefined {
  const row = db
    .prepare<[string, string], DeploymentGroupRow>('SELECT * FROM deployment_groups WHERE application_id = ? AND name = ?')
    .get(applicationId, name);
  return row && toDeploymentGroup(row);
}

export function listDeploymentGroups(db: Database, applicationId: string): DeploymentGroup[] {
  return db
    .prepare<[string], DeploymentGroupRow>('SELECT * FROM deployment_groups WHERE application_id = ? ORDER BY name')
    .all(applicationId)
    .map(toDeploymentGroup);
}

/** The hosts the group's selector matches now. Filtered in JS: fleets are small and selectors are rich. */
export function listHostsForGroup(db: Database, group: DeploymentGroup): Host[] {
  return listHosts(db).filter((host) => matchesSelector(host.tags, group.hostSelector));
}

function requireGroup(db: Database, id: string): DeploymentGroup {
  const group = getDeploymentGroup(db, id);
  if (!group) throw new Error(`deployment group ${id} vanished after it was written`);
  return group;
}
