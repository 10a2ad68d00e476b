import type { Database } from './database.js';

/** Whose variables: an application's own (no `groupId`), or one of its groups'. */
export interface VariableOwner {
  readonly applicationId: string;
  readonly groupId?: string | undefined;
}

/** A plain value, or a secret's sealed box and the id of the key that sealed it. */
export type VariableContent =
  | { readonly secret: false; readonly value: string }
  | { readonly secret: true; readonly sealed: Buffer; readonly keyId: string };

export type StoredVariable = VariableOwner & { readonly name: string; readonly updatedAt: string } & VariableContent;

interface VariableRow {
  application_id: string;
  group_id: string | null;
  name: string;
  value: string | null;
  sealed: Buffer | null;
  key_id: string | null;
  updated_at: string;
}

function toVariable(row: VariableRow): StoredVariable {
  const owner = { applicationId: row.application_id, ...(row.group_id === null ? {} : { groupId: row.group_id }) };
  const content: VariableContent =
    row.sealed === null ? { secret: false, value: row.value ?? '' } : { secret: true, sealed: row.sealed, keyId: row.key_id ?? '' };
  return { ...owner, name: row.name, updatedAt: row.updated_at, ...content };
}

/** Creates the variable or replaces its content; one statement, whichever of the owner's indexes applies. */
export function putVariable(db: Database, owner: VariableOwner, name: string, content: VariableContent, now: Date): StoredVariable {
  const row = db
    .prepare<unknown[], VariableRow>(
      `INSERT INTO variables (application_id, group_id, name, value, sealed, key_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (application_id, name) WHERE group_id IS NULL
         DO UPDATE SET value = excluded.value, sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at
       ON CONFLICT (group_id, name) WHERE group_id IS NOT NULL
         DO UPDATE SET value = excluded.value, sealed = excluded.sealed, key_id = excluded.key_id, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .get(
      owner.applicationId,
      owner.groupId ?? null,
      name,
      content.secret ? null : content.value,
      content.secret ? content.sealed : null,
      content.secret ? content.keyId : null,
      now.toISOString(),
    );
  return toVariable(row!);
}

export function getVariable(db: Database, owner: VariableOwner, name: string): StoredVariable | undefined {
  const row = db
    .prepare<[string, string | null, string], VariableRow>('SELECT * FROM variables WHERE application_id = ? AND group_id IS ? AND name = ?')
    .get(owner.applicationId, owner.groupId ?? null, name);
  return row && toVariable(row);
}

/** The owner's own variables by name (a group's list does not include its application's). */
export function listVariables(db: Database, owner: VariableOwner): StoredVariable[] {
  return db
    .prepare<[string, string | null], VariableRow>('SELECT * FROM variables WHERE application_id = ? AND group_id IS ? ORDER BY name')
    .all(owner.applicationId, owner.groupId ?? null)
    .map(toVariable);
}

/** Whether there was such a variable. */
export function deleteVariable(db: Database, owner: VariableOwner, name: string): boolean {
  return (
    db.prepare('DELETE FROM variables WHERE application_id = ? AND group_id IS ? AND name = ?').run(owner.applicationId, owner.groupId ?? null, name)
      .changes === 1
  );
}

/**
 * What the hooks of a group's deployments get: its application's variables, then the group's own, so that a
 * reader applying them in order lets the group's override the application's.
 */
export function listVariablesForGroup(db: Database, groupId: string): StoredVariable[] {
  return db
    .prepare<[string, string], VariableRow>(
      `SELECT v.* FROM variables v JOIN deployment_groups g ON g.id = ?
       WHERE v.application_id = g.application_id AND (v.group_id IS NULL OR v.group_id = ?)
       ORDER BY v.group_id IS NOT NULL, v.name`,
    )
    .all(groupId, groupId)
    .map(toVariable);
}

/** The group of the deployment a lifecycle event's command belongs to. */
export function findGroupOfCommand(db: Database, commandId: string): string | undefined {
  return db
    .prepare<[string], { groupId: string }>(
      'SELECT d.group_id AS groupId FROM lifecycle_events e JOIN deployments d ON d.id = e.deployment_id WHERE e.command_id = ?',
    )
    .get(commandId)?.groupId;
}
