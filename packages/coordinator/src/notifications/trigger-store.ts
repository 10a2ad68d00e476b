/**
 * A group's triggers in SQLite. A secret is stored only sealed (see trigger-secrets.ts) and read back only as
 * its box: `triggerSecrets` lets the write path keep boxes across a group file's applies, and the dispatcher
 * opens the box of each due delivery.
 */
import { err, MAX_TRIGGERS_PER_GROUP, ok, TriggerEvent, type Result, type TriggerFormat } from '@baton/shared';
import { z } from 'zod';
import { newId } from '../ids.js';
import type { Database } from '../store/database.js';
import { parseStoredJson } from '../store/stored-json.js';

export interface Trigger {
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly url: string;
  readonly events: readonly TriggerEvent[];
  readonly format: TriggerFormat;
  readonly secretRef: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A signing secret as stored: its box under the secrets key `keyId`, bound to `secretRef`. */
export interface SealedTriggerSecret {
  readonly secretRef: string;
  readonly sealed: Buffer;
  readonly keyId: string;
}

/** A trigger's settings with the sealed secret it signs with. */
export interface TriggerSettings extends SealedTriggerSecret {
  readonly name: string;
  readonly url: string;
  readonly events: readonly TriggerEvent[];
  readonly format: TriggerFormat;
}

export interface TriggerSecret extends SealedTriggerSecret {
  readonly name: string;
}

interface TriggerRow {
  id: string;
  group_id: string;
  name: string;
  url: string;
  events: string;
  /** Kept within the union by the column's CHECK. */
  format: TriggerFormat;
  secret_ref: string;
  created_at: string;
  updated_at: string;
}

const PUBLIC_COLUMNS = 'id, group_id, name, url, events, format, secret_ref, created_at, updated_at';

const toTrigger = (row: TriggerRow): Trigger => ({
  id: row.id,
  groupId: row.group_id,
  name: row.name,
  url: row.url,
  events: parseStoredJson(z.array(TriggerEvent), row.events, `events of trigger ${row.id}`),
  format: row.format,
  secretRef: row.secret_ref,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export function listTriggers(db: Database, groupId: string): Trigger[] {
  return db
    .prepare<[string], TriggerRow>(`SELECT ${PUBLIC_COLUMNS} FROM triggers WHERE group_id = ? ORDER BY name`)
    .all(groupId)
    .map(toTrigger);
}

export function triggerSecrets(db: Database, groupId: string): TriggerSecret[] {
  return db
    .prepare<[string], { id: string; name: string } & SealedColumns>('SELECT id, name, secret_ref, sealed, key_id FROM triggers WHERE group_id = ?')
    .all(groupId)
    .map((row) => ({ name: row.name, ...toSealedSecret(row.id, row) }));
}

/** A trigger's secret columns; a box is missing only from a row migration 011 left for the start to seal. */
export interface SealedColumns {
  secret_ref: string;
  sealed: Buffer | null;
  key_id: string | null;
}

export function toSealedSecret(triggerId: string, row: SealedColumns): SealedTriggerSecret {
  if (row.sealed === null || row.key_id === null) throw new Error(`the secret of trigger ${triggerId} was never sealed`);
  return { secretRef: row.secret_ref, sealed: row.sealed, keyId: row.key_id };
}

/** Secrets stored in plaintext before migration 011, for the start to seal. */
export function listUnsealedTriggerSecrets(db: Database): { id: string; secretRef: string; secret: string }[] {
  return db
    .prepare<[], { id: string; secretRef: string; secret: string }>(
      'SELECT id, secret_ref AS secretRef, unsealed_secret AS secret FROM triggers WHERE unsealed_secret IS NOT NULL',
    )
    .all();
}

/** Replaces a trigger's plaintext secret by its box, in one statement. */
export function storeSealedTriggerSecret(db: Database, id: string, sealed: SealedTriggerSecret): void {
  db.prepare('UPDATE triggers SET sealed = ?, key_id = ?, unsealed_secret = NULL WHERE id = ?').run(sealed.sealed, sealed.keyId, id);
}

export type AddTriggerRefusal = 'ALREADY_EXISTS' | 'TOO_MANY';

/** Adds one trigger; a name the group already uses, or an eleventh trigger, is refused. */
export function addTrigger(db: Database, groupId: string, settings: TriggerSettings, now: Date): Result<Trigger, AddTriggerRefusal> {
  return db.transaction((): Result<Trigger, AddTriggerRefusal> => {
    const { count } = db.prepare<[string], { count: number }>('SELECT count(*) AS count FROM triggers WHERE group_id = ?').get(groupId)!;
    if (count >= MAX_TRIGGERS_PER_GROUP) return err('TOO_MANY');
    const id = newId('trg');
    const { changes } = db
      .prepare(
        `INSERT INTO triggers (id, group_id, name, url, events, format, secret_ref, sealed, key_id, created_at, updated_at)
         VALUES (@id, @groupId, @name, @url, @events, @format, @secretRef, @sealed, @keyId, @now, @now)
         ON CONFLICT (group_id, name) DO NOTHING`,
      )
      .run({ id, groupId, ...toColumns(settings), now: now.toISOString() });
    if (changes === 0) return err('ALREADY_EXISTS');
    return ok(requireTrigger(db, id));
  })();
}

/** Returns whether there was such a trigger. Its delivery log goes with it. */
export function deleteTrigger(db: Database, groupId: string, name: string): boolean {
  return db.prepare('DELETE FROM triggers WHERE group_id = ? AND name = ?').run(groupId, name).changes > 0;
}

/**
 * Makes the group's triggers exactly `wanted` (a group file says everything): a trigger keeps its id, and so its
 * delivery log, while its name stays; triggers left out are deleted. Returns whether anything changed.
 */
export function replaceTriggers(db: Database, groupId: string, wanted: readonly TriggerSettings[], now: Date): boolean {
  return db.transaction(() => {
    const current = new Map(
      db
        .prepare<[string], TriggerRow & SealedColumns>(`SELECT ${PUBLIC_COLUMNS}, sealed, key_id FROM triggers WHERE group_id = ?`)
        .all(groupId)
        .map((row) => [row.name, row]),
    );
    let changed = false;
    const at = now.toISOString();
    for (const settings of wanted) {
      const columns = toColumns(settings);
      const row = current.get(settings.name);
      current.delete(settings.name);
      if (row && sameColumns(row, columns)) continue;
      changed = true;
      if (row) {
        db.prepare(
          `UPDATE triggers SET url = @url, events = @events, format = @format, secret_ref = @secretRef, sealed = @sealed, key_id = @keyId,
             updated_at = @now
           WHERE id = @id`,
        ).run({ id: row.id, ...columns, now: at });
      } else {
        db.prepare(
          `INSERT INTO triggers (id, group_id, name, url, events, format, secret_ref, sealed, key_id, created_at, updated_at)
           VALUES (@id, @groupId, @name, @url, @events, @format, @secretRef, @sealed, @keyId, @now, @now)`,
        ).run({ id: newId('trg'), groupId, ...columns, now: at });
      }
    }
    for (const removed of current.values()) {
      db.prepare('DELETE FROM triggers WHERE id = ?').run(removed.id);
      changed = true;
    }
    return changed;
  })();
}

function toColumns(settings: TriggerSettings) {
  return {
    name: settings.name,
    url: settings.url,
    events: JSON.stringify(settings.events),
    format: settings.format,
    secretRef: settings.secretRef,
    sealed: settings.sealed,
    keyId: settings.keyId,
  };
}

/** A kept secret keeps its box as it is, so comparing boxes tells whether the secret changed. */
function sameColumns(row: TriggerRow & SealedColumns, columns: ReturnType<typeof toColumns>): boolean {
  return (
    row.url === columns.url &&
    row.events === columns.events &&
    row.format === columns.format &&
    row.secret_ref === columns.secretRef &&
    row.sealed !== null &&
    row.sealed.equals(columns.sealed) &&
    row.key_id === columns.keyId
  );
}

function requireTrigger(db: Database, id: string): Trigger {
  const row = db.prepare<[string], TriggerRow>(`SELECT ${PUBLIC_COLUMNS} FROM triggers WHERE id = ?`).get(id);
  if (!row) throw new Error(`trigger ${id} vanished after it was written`);
  return toTrigger(row);
}
