import { err, ok, type Result } from '@baton/shared';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import {
  countUnfinishedDeployments,
  deleteDeploymentGroupsOf,
  listDeploymentGroups,
  type ActiveDeployments,
} from './deployment-groups.js';

export interface Application {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

interface ApplicationRow {
  id: string;
  name: string;
  created_at: string;
}

const toApplication = (row: ApplicationRow): Application => ({ id: row.id, name: row.name, createdAt: row.created_at });

/** Names are unique among live applications: a second one with the same name is refused, never overwritten. */
export function createApplication(db: Database, name: string, now: Date): Result<Application, 'ALREADY_EXISTS'> {
  const application = { id: newId('app'), name, createdAt: now.toISOString() };
  const { changes } = db
    .prepare('INSERT INTO applications (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING')
    .run(application.id, application.name, application.createdAt);
  return changes === 1 ? ok(application) : err('ALREADY_EXISTS');
}

/** A live application by name; a deleted one is not found. */
export function getApplicationByName(db: Database, name: string): Application | undefined {
  const row = db.prepare<[string], ApplicationRow>('SELECT * FROM applications WHERE name = ? AND deleted_at IS NULL').get(name);
  return row && toApplication(row);
}

/** By id, deleted or not: the history of a deployment or revision names its application. */
export function getApplication(db: Database, id: string): Application | undefined {
  const row = db.prepare<[string], ApplicationRow>('SELECT * FROM applications WHERE id = ?').get(id);
  return row && toApplication(row);
}

export function listApplications(db: Database): Application[] {
  return db.prepare<[], ApplicationRow>('SELECT * FROM applications WHERE deleted_at IS NULL ORDER BY name').all().map(toApplication);
}

/** Renames a live application; refused when another live one has the name. */
export function renameApplication(db: Database, id: string, name: string): Result<Application, 'ALREADY_EXISTS'> {
  const row = db
    .prepare<[string, string], ApplicationRow>('UPDATE OR IGNORE applications SET name = ? WHERE id = ? AND deleted_at IS NULL RETURNING *')
    .get(name, id);
  return row ? ok(toApplication(row)) : err('ALREADY_EXISTS');
}

export type DeleteApplicationRefusal = ActiveDeployments | { readonly code: 'HAS_GROUPS'; readonly count: number };

/**
 * Deletes a live application, with its groups when `withGroups`; refused while any deployment of it is
 * unfinished (queued ones included), or while it has groups and `withGroups` is false. One transaction: the
 * check and the deletion see the same rows. Rows are kept, marked deleted, for the history that points at them.
 */
export function deleteApplication(
  db: Database,
  id: string,
  options: { readonly withGroups: boolean },
  now: Date,
): Result<void, DeleteApplicationRefusal> {
  return db.transaction((): Result<void, DeleteApplicationRefusal> => {
    const active = countUnfinishedDeployments(db, { applicationId: id });
    if (active > 0) return err({ code: 'ACTIVE_DEPLOYMENTS', count: active });
    const groups = listDeploymentGroups(db, id).length;
    if (groups > 0 && !options.withGroups) return err({ code: 'HAS_GROUPS', count: groups });
    deleteDeploymentGroupsOf(db, id, now);
    db.prepare('UPDATE applications SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now.toISOString(), id);
    return ok(undefined);
  })();
}
