import { formatCredential, parseCredential, secretMatches } from '../credentials.js';
import { hashSecret, newId, newSecret } from '../ids.js';
import type { Database } from './database.js';

/** A bearer token for the admin API. Only `admin` exists today; the column leaves room for narrower roles. */
export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin';
  readonly createdAt: string;
  readonly revokedAt: string | undefined;
}

interface ApiTokenRow {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  created_at: string;
  revoked_at: string | null;
}

function toApiToken(row: ApiTokenRow): ApiToken {
  if (row.role !== 'admin') throw new Error(`api token ${row.id} has unknown role ${row.role}`);
  return { id: row.id, name: row.name, role: row.role, createdAt: row.created_at, revokedAt: row.revoked_at ?? undefined };
}

export interface IssuedApiToken {
  readonly apiToken: ApiToken;
  /** `<id>.<secret>`, shown once. */
  readonly token: string;
}

export function createApiToken(db: Database, name: string, now: Date): IssuedApiToken {
  const { apiToken, secret } = newApiToken(name, now);
  db.prepare('INSERT INTO api_tokens (id, name, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)').run(
    apiToken.id,
    apiToken.name,
    hashSecret(secret),
    apiToken.role,
    apiToken.createdAt,
  );
  return { apiToken, token: formatCredential({ id: apiToken.id, secret }) };
}

/**
 * Creates the first admin token, only while the database has no API token at all: a single conditional
 * insert, so two starting servers cannot both mint one. Returns undefined when a token already existed.
 */
export function createFirstAdminToken(db: Database, now: Date): IssuedApiToken | undefined {
  const { apiToken, secret } = newApiToken('admin', now);
  const { changes } = db
    .prepare(
      `INSERT INTO api_tokens (id, name, token_hash, role, created_at)
       SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM api_tokens)`,
    )
    .run(apiToken.id, apiToken.name, hashSecret(secret), apiToken.role, apiToken.createdAt);
  return changes === 1 ? { apiToken, token: formatCredential({ id: apiToken.id, secret }) } : undefined;
}

/** The unrevoked token `token` stands for, or undefined when it is malformed, unknown, wrong or revoked. */
export function authenticateApiToken(db: Database, token: string): ApiToken | undefined {
  const parsed = parseCredential(token);
  if (!parsed) return undefined;
  const row = db.prepare<[string], ApiTokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(parsed.id);
  if (!row || row.revoked_at !== null || !secretMatches(parsed.secret, row.token_hash)) return undefined;
  return toApiToken(row);
}

function newApiToken(name: string, now: Date): { apiToken: ApiToken; secret: string } {
  const apiToken: ApiToken = { id: newId('tok'), name, role: 'admin', createdAt: now.toISOString(), revokedAt: undefined };
  return { apiToken, secret: newSecret() };
}
