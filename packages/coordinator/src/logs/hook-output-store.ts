/**
 * The stored hook output (table `hook_output`, migration 007; why SQLite rows: see there). Lines are read in
 * arrival order (`id`) across every host of a deployment, so `id` doubles as a follower's cursor.
 */
import type { LifecycleEventName, OutputLine, OutputStream } from '@baton/shared';
import type { Database } from '../store/database.js';

/** One stored line, with the names a reader shows. */
export interface HookOutputLine {
  readonly id: number;
  readonly deploymentId: string;
  readonly hostId: string;
  readonly hostName: string;
  readonly event: LifecycleEventName;
  /** The agent's number of the line within its event. */
  readonly seq: number;
  readonly stream: OutputStream;
  readonly text: string;
  /** When the agent read the line, by the host's clock. */
  readonly at: string;
}

/** The lifecycle event a command runs, and the host it was sent to. */
export interface CommandTarget {
  readonly deploymentId: string;
  readonly hostId: string;
  readonly hostName: string;
  readonly event: LifecycleEventName;
}

export interface OutputFilter {
  /** A host's name or id. */
  readonly host?: string | undefined;
  readonly event?: LifecycleEventName | undefined;
}

interface LineRow {
  id: number;
  deployment_id: string;
  host_id: string;
  host_name: string | null;
  event_name: string;
  seq: number;
  stream: string;
  text: string;
  at: string;
}

/** The event and host of `commandId`, or undefined when no deployment sent such a command. */
export function findCommandTarget(db: Database, commandId: string): CommandTarget | undefined {
  const row = db
    .prepare<[string], { deployment_id: string; host_id: string; host_name: string | null; event_name: string }>(
      `SELECT e.deployment_id, e.host_id, h.name AS host_name, e.event_name
       FROM lifecycle_events e LEFT JOIN hosts h ON h.id = e.host_id WHERE e.command_id = ?`,
    )
    .get(commandId);
  if (!row) return undefined;
  return {
    deploymentId: row.deployment_id,
    hostId: row.host_id,
    hostName: row.host_name ?? row.host_id,
    event: row.event_name as LifecycleEventName,
  };
}

/** Appends one batch of an event's lines, numbered from `seq`, in one transaction; returns them as stored. */
export function appendHookOutput(db: Database, target: CommandTarget, seq: number, lines: readonly OutputLine[]): HookOutputLine[] {
  const insert = db.prepare(
    `INSERT INTO hook_output (deployment_id, host_id, event_name, seq, stream, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() =>
    lines.map((line, index): HookOutputLine => {
      const { lastInsertRowid } = insert.run(target.deploymentId, target.hostId, target.event, seq + index, line.stream, line.text, line.at);
      return { ...target, id: Number(lastInsertRowid), seq: seq + index, stream: line.stream, text: line.text, at: line.at };
    }),
  )();
}

/** Up to `limit` lines of the deployment after the line `afterId` (0: from the start), oldest first. */
export function readHookOutput(db: Database, deploymentId: string, filter: OutputFilter, afterId: number, limit: number): HookOutputLine[] {
  const rows = db
    .prepare<Record<string, unknown>, LineRow>(
      `SELECT o.id, o.deployment_id, o.host_id, h.name AS host_name, o.event_name, o.seq, o.stream, o.text, o.at
       FROM hook_output o LEFT JOIN hosts h ON h.id = o.host_id
       WHERE o.deployment_id = @deploymentId AND o.id > @afterId
         AND (@host IS NULL OR o.host_id = @host OR h.name = @host)
         AND (@event IS NULL OR o.event_name = @event)
       ORDER BY o.id LIMIT @limit`,
    )
    .all({ deploymentId, afterId, host: filter.host ?? null, event: filter.event ?? null, limit });
  return rows.map((row) => ({
    id: row.id,
    deploymentId: row.deployment_id,
    hostId: row.host_id,
    hostName: row.host_name ?? row.host_id,
    event: row.event_name as LifecycleEventName,
    seq: row.seq,
    stream: row.stream as OutputStream,
    text: row.text,
    at: row.at,
  }));
}

/**
 * Deletes up to `maxRows` lines of deployments that ended before `endedBefore`, and returns how many it
 * deleted: the pruner calls it again until that is 0, so one call never holds the database for long.
 * Active deployments keep their output whatever its age.
 */
export function deleteExpiredHookOutput(db: Database, endedBefore: Date, maxRows: number): number {
  return db
    .prepare(
      `DELETE FROM hook_output WHERE id IN (
         SELECT o.id FROM deployments d JOIN hook_output o ON o.deployment_id = d.id
         WHERE d.completed_at IS NOT NULL AND d.completed_at < ? LIMIT ?)`,
    )
    .run(endedBefore.toISOString(), maxRows).changes;
}
