import type { Database } from './database.js';

/**
 * The audit log: who changed what, when and from where. Append-only — the table's triggers refuse UPDATE and
 * DELETE — so entries are only ever added here and read back.
 */

/**
 * Who acted: the API token (a dashboard session acts as the token it was signed in with). A refused
 * authentication has no actor: the credential did not prove one (its claimed id goes in `detail`).
 */
export interface AuditActor {
  readonly tokenId: string;
  readonly name: string;
}

/** Where the change came from. Both addresses are recorded as seen; neither is trusted for anything. */
export interface AuditSource {
  readonly channel: 'api' | 'dashboard' | 'agent';
  /** The client's socket address, when known. */
  readonly address?: string | undefined;
  /** The `X-Forwarded-For` header as the client sent it. */
  readonly forwardedFor?: string | undefined;
}

export interface NewAuditEntry {
  readonly actor?: AuditActor | undefined;
  /** What was done: `POST /deployments/{id}/stop` for the API, `dashboard: stop` for a dashboard action. */
  readonly action: string;
  /** The resource acted on, e.g. `/deployments/d-k3v9q2mz7x4a`. */
  readonly target?: string | undefined;
  readonly source: AuditSource;
  /** The HTTP status answered (an action's outcome); absent when there was none. */
  readonly status?: number | undefined;
  /** Small facts about the change (route params, application). Never request bodies: they may hold secrets. */
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
  readonly at: Date;
}

export interface AuditEntry extends Omit<NewAuditEntry, 'at'> {
  /** Increases with every entry: the order they were written in. */
  readonly seq: number;
  readonly at: string;
}

interface AuditRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  channel: AuditSource['channel'];
  address: string | null;
  forwarded_for: string | null;
  status: number | null;
  detail: string | null;
}

export function appendAuditEntry(db: Database, entry: NewAuditEntry): AuditEntry {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO audit_log (at, actor_id, actor_name, action, target, channel, address, forwarded_for, status, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      entry.at.toISOString(),
      entry.actor?.tokenId ?? null,
      entry.actor?.name ?? null,
      entry.action,
      entry.target ?? null,
      entry.source.channel,
      entry.source.address ?? null,
      entry.source.forwardedFor ?? null,
      entry.status ?? null,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
    );
  // Read back, so the answer is exactly what a later read shows (no extra fields of the caller's objects).
  return toAuditEntry(db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE seq = ?').get(Number(lastInsertRowid))!);
}

export interface AuditQuery {
  /** Only entries at or after this time. */
  readonly since?: Date | undefined;
  readonly limit: number;
}

/** The newest entries first, at most `limit`. */
export function listAuditEntries(db: Database, query: AuditQuery): AuditEntry[] {
  const since = query.since?.toISOString() ?? '';
  return db
    .prepare<[string, number], AuditRow>('SELECT * FROM audit_log WHERE at >= ? ORDER BY seq DESC LIMIT ?')
    .all(since, query.limit)
    .map(toAuditEntry);
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    ...(row.actor_id === null ? {} : { actor: { tokenId: row.actor_id, name: row.actor_name ?? '' } }),
    action: row.action,
    ...(row.target === null ? {} : { target: row.target }),
    source: {
      channel: row.channel,
      ...(row.address === null ? {} : { address: row.address }),
      ...(row.forwarded_for === null ? {} : { forwardedFor: row.forwarded_for }),
    },
    ...(row.status === null ? {} : { status: row.status }),
    ...(row.detail === null ? {} : { detail: JSON.parse(row.detail) as Record<string, unknown> }),
  };
}
