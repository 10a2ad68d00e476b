import { err, HostFacts, ok, Tags, type Result } from '@baton/shared';
import { formatCredential, parseCredential, secretMatches } from '../credentials.js';
import { hashSecret, newId, newSecret } from '../ids.js';
import type { Database } from './database.js';
import { parseStoredJson } from './stored-json.js';

export interface Host {
  readonly id: string;
  readonly name: string;
  readonly tags: Tags;
  /** What the agent reported at enrollment or at its last hello. */
  readonly facts: HostFacts | undefined;
  readonly agentVersion: string | undefined;
  readonly online: boolean;
  readonly lastSeenAt: string | undefined;
  readonly enrolledAt: string;
}

interface HostRow {
  id: string;
  name: string;
  tags: string;
  credential_hash: string;
  facts: string | null;
  agent_version: string | null;
  online: number;
  last_seen_at: string | null;
  enrolled_at: string;
}

const toHost = (row: HostRow): Host => ({
  id: row.id,
  name: row.name,
  tags: parseStoredJson(Tags, row.tags, `tags of host ${row.id}`),
  facts: row.facts === null ? undefined : parseStoredJson(HostFacts, row.facts, `facts of host ${row.id}`),
  agentVersion: row.agent_version ?? undefined,
  online: row.online === 1,
  lastSeenAt: row.last_seen_at ?? undefined,
  enrolledAt: row.enrolled_at,
});

export interface EnrollHostInput {
  readonly name: string;
  readonly tags: Tags;
  readonly facts?: HostFacts | undefined;
}

/** Registers a host. Its credential (`<hostId>.<secret>`) is returned once; only the secret's hash is kept. */
export function enrollHost(db: Database, input: EnrollHostInput, now: Date): { host: Host; credential: string } {
  const id = newId('h');
  const secret = newSecret();
  db.prepare(
    `INSERT INTO hosts (id, name, tags, credential_hash, facts, enrolled_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    input.name,
    JSON.stringify(input.tags),
    hashSecret(secret),
    input.facts ? JSON.stringify(input.facts) : null,
    now.toISOString(),
  );
  const host = getHost(db, id);
  if (!host) throw new Error(`host ${id} vanished right after its insert`);
  return { host, credential: formatCredential({ id, secret }) };
}

/** The host a credential belongs to, or undefined when it is malformed, unknown, wrong or deregistered. */
export function authenticateHost(db: Database, credential: string): Host | undefined {
  const parsed = parseCredential(credential);
  if (!parsed) return undefined;
  const row = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE id = ? AND deregistered_at IS NULL').get(parsed.id);
  return row && secretMatches(parsed.secret, row.credential_hash) ? toHost(row) : undefined;
}

/** Marks a host connected or disconnected; either way it was last seen now. */
export function setHostOnline(db: Database, hostId: string, online: boolean, now: Date): void {
  db.prepare('UPDATE hosts SET online = ?, last_seen_at = ? WHERE id = ?').run(online ? 1 : 0, now.toISOString(), hostId);
}

/** Records what an agent says about itself when it connects. */
export function recordHostHello(db: Database, hostId: string, facts: HostFacts, agentVersion: string, now: Date): void {
  db.prepare('UPDATE hosts SET facts = ?, agent_version = ?, last_seen_at = ? WHERE id = ?').run(
    JSON.stringify(facts),
    agentVersion,
    now.toISOString(),
    hostId,
  );
}

/**
 * A registered host. A deregistered one is gone for every purpose (groups, rollback targets, the API); only the
 * deployment history, which joins the table directly, still names it.
 */
export function getHost(db: Database, id: string): Host | undefined {
  const row = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE id = ? AND deregistered_at IS NULL').get(id);
  return row && toHost(row);
}

export function listHosts(db: Database): Host[] {
  return db.prepare<[], HostRow>('SELECT * FROM hosts WHERE deregistered_at IS NULL ORDER BY name, id').all().map(toHost);
}

/** Whether a deployment that has started and not finished includes the host. */
export function isHostInActiveDeployment(db: Database, hostId: string): boolean {
  const row = db
    .prepare(
      `SELECT 1 FROM deployment_hosts dh JOIN deployments d ON d.id = dh.deployment_id
       WHERE dh.host_id = ? AND d.status IN ('InProgress', 'Baking', 'Ready') LIMIT 1`,
    )
    .get(hostId);
  return row !== undefined;
}

/**
 * Deregisters a host: its credential stops authenticating at once and it leaves every group. Refused while an
 * active deployment includes it, checked in the same transaction. Undefined when there is no such host.
 */
export function deregisterHost(db: Database, id: string, now: Date): Result<Host, 'IN_ACTIVE_DEPLOYMENT'> | undefined {
  return db.transaction((): Result<Host, 'IN_ACTIVE_DEPLOYMENT'> | undefined => {
    const host = getHost(db, id);
    if (!host) return undefined;
    if (isHostInActiveDeployment(db, id)) return err('IN_ACTIVE_DEPLOYMENT');
    db.prepare('UPDATE hosts SET deregistered_at = ?, online = 0 WHERE id = ?').run(now.toISOString(), id);
    return ok(host);
  })();
}

export interface TagChanges {
  /** Tags to add or overwrite. */
  readonly set?: Tags | undefined;
  /** Keys to remove; a key both set and removed is removed. */
  readonly remove?: readonly string[] | undefined;
}

/**
 * Edits a host's tags, which moves it between groups from the next deployment on (a running deployment has fixed
 * its hosts). Undefined when there is no such host. The agent's own tags file does not change: the next
 * enrollment of the same machine starts from it again.
 */
export function updateHostTags(db: Database, id: string, changes: TagChanges): Host | undefined {
  return db.transaction(() => {
    const host = getHost(db, id);
    if (!host) return undefined;
    const tags: Record<string, string> = { ...host.tags, ...changes.set };
    for (const key of changes.remove ?? []) delete tags[key];
    db.prepare('UPDATE hosts SET tags = ? WHERE id = ?').run(JSON.stringify(tags), id);
    return getHost(db, id);
  })();
}
