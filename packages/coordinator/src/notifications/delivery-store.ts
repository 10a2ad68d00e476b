/**
 * Webhook deliveries in SQLite: one row per (trigger, event), written when the event happens and updated by
 * each attempt. Claiming a due delivery counts the attempt and leases the row until the attempt's deadline, in
 * one transaction, so a crash mid-attempt leaves a row that is due again once the lease ends (at-least-once:
 * receivers drop repeats by `X-Baton-Delivery`).
 */
import type { TriggerEvent, TriggerFormat } from '@baton/shared';
import { newId } from '../ids.js';
import type { Database } from '../store/database.js';
import { toSealedSecret, type SealedColumns, type SealedTriggerSecret } from './trigger-store.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface Delivery {
  readonly id: string;
  readonly triggerName: string;
  readonly event: TriggerEvent;
  readonly deploymentId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** While pending: when the next attempt is due. */
  readonly nextAttemptAt: string | undefined;
  readonly lastStatusCode: number | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A claimed delivery with what its attempt needs: the trigger's current address and sealed secret. */
export interface DueDelivery {
  readonly id: string;
  readonly event: TriggerEvent;
  readonly body: string;
  /** Attempts made, this one included. */
  readonly attempts: number;
  readonly url: string;
  readonly secret: SealedTriggerSecret;
  readonly format: TriggerFormat;
}

export interface NewDelivery {
  readonly triggerId: string;
  readonly event: TriggerEvent;
  readonly deploymentId: string;
  readonly body: string;
}

export function enqueueDelivery(db: Database, delivery: NewDelivery, now: Date): string {
  const id = newId('whd');
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO webhook_deliveries (id, trigger_id, event, deployment_id, body, status, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
  ).run(id, delivery.triggerId, delivery.event, delivery.deploymentId, delivery.body, at, at, at);
  return id;
}

/** Claims up to `limit` due deliveries, oldest due first: each counts an attempt and is leased until `leaseUntil`. */
export function claimDueDeliveries(db: Database, now: Date, leaseUntil: Date, limit: number): DueDelivery[] {
  if (limit <= 0) return [];
  return db.transaction(() => {
    const due = db
      .prepare<[string, number], Omit<DueDelivery, 'secret'> & { triggerId: string } & SealedColumns>(
        `SELECT d.id, d.event, d.body, d.attempts + 1 AS attempts, t.url, t.format, t.id AS triggerId, t.secret_ref, t.sealed, t.key_id
         FROM webhook_deliveries d JOIN triggers t ON t.id = d.trigger_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?`,
      )
      .all(now.toISOString(), limit)
      .map(({ triggerId, secret_ref, sealed, key_id, ...delivery }) => ({ ...delivery, secret: toSealedSecret(triggerId, { secret_ref, sealed, key_id }) }));
    const lease = db.prepare('UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, updated_at = ? WHERE id = ?');
    for (const delivery of due) lease.run(leaseUntil.toISOString(), now.toISOString(), delivery.id);
    return due;
  })();
}

export function recordDeliverySuccess(db: Database, id: string, statusCode: number, now: Date): void {
  db.prepare(
    `UPDATE webhook_deliveries SET status = 'succeeded', next_attempt_at = NULL, last_status_code = ?, last_error = NULL, updated_at = ?
     WHERE id = ?`,
  ).run(statusCode, now.toISOString(), id);
}

/** A failed attempt: due again at `retryAt`, or given up (`failed`) when there is none. */
export function recordDeliveryFailure(
  db: Database,
  id: string,
  failure: { readonly statusCode?: number | undefined; readonly error: string },
  retryAt: Date | undefined,
  now: Date,
): void {
  db.prepare(
    `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?`,
  ).run(retryAt ? 'pending' : 'failed', retryAt?.toISOString() ?? null, failure.statusCode ?? null, failure.error, now.toISOString(), id);
}

/** When the earliest pending delivery is due (or its lease ends); undefined when none is pending. */
export function nextDeliveryDueAt(db: Database): Date | undefined {
  const row = db
    .prepare<[], { at: string | null }>("SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'")
    .get();
  return row?.at ? new Date(row.at) : undefined;
}

interface DeliveryRow {
  id: string;
  trigger_name: string;
  event: TriggerEvent;
  deployment_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** The group's delivery log, newest first. */
export function listDeliveries(db: Database, groupId: string, limit: number): Delivery[] {
  return db
    .prepare<[string, number], DeliveryRow>(
      `SELECT d.id, t.name AS trigger_name, d.event, d.deployment_id, d.status, d.attempts, d.next_attempt_at, d.last_status_code,
              d.last_error, d.created_at, d.updated_at
       FROM webhook_deliveries d JOIN triggers t ON t.id = d.trigger_id
       WHERE t.group_id = ? ORDER BY d.created_at DESC, d.rowid DESC LIMIT ?`,
    )
    .all(groupId, limit)
    .map((row) => ({
      id: row.id,
      triggerName: row.trigger_name,
      event: row.event,
      deploymentId: row.deployment_id,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at ?? undefined,
      lastStatusCode: row.last_status_code ?? undefined,
      lastError: row.last_error ?? undefined,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
}

/** Forgets finished deliveries last touched before `before`; returns how many. */
export function pruneDeliveries(db: Database, before: Date): number {
  return db.prepare("DELETE FROM webhook_deliveries WHERE status != 'pending' AND updated_at < ?").run(before.toISOString()).changes;
}
