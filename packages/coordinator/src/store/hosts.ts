import { HostFacts, Tags } from '@baton/shared';
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

/** The host a credential belongs to, or undefined when it is malformed, unknown or wrong. */
export function authenticateHost(db: Database, credential: string): Host | undefined {
  const parsed = parseCredential(credential);
  if (!parsed) return undefined;
  const row = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE id = ?').get(parsed.id);
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

export function getHost(db: Database, id: string): Host | undefined {
  const row = db.prepare<[string], HostRow>('SELECT * FROM hosts WHERE id = ?').get(id);
  return row && toHost(row);
}

export function listHosts(db: Database): Host[] {
  return db.prepare<[], HostRow>('SELECT * FROM hosts ORDER BY name, id').all().map(toHost);
}
