import { err, ok, type Result } from '@baton/shared';
import { z } from 'zod';
import { Role } from '../access/policy.js';
import { formatCredential, parseCredential, secretMatches } from '../credentials.js';
import { hashSecret, newId, newSecret } from '../ids.js';
import type { Database } from './database.js';

/**
 * A bearer token for the admin API: a role, optionally limited to some applications (by id, so renaming an
 * application keeps its tokens and deleting one takes it out of every list), optionally expiring. Its state
 * is computed from its times, never stored.
 */
export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Ids of the applications the token is limited to; undefined: every application. */
  readonly applicationIds: readonly string[] | undefined;
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  readonly revokedAt: string | undefined;
}

export type ApiTokenState = 'active' | 'expired' | 'revoked';

export interface NewApiToken {
  readonly name: string;
  readonly role: Role;
  readonly applicationIds?: readonly string[] | undefined;
  readonly expiresAt?: Date | undefined;
}

export interface IssuedApiToken {
  readonly apiToken: ApiToken;
  /** `<id>.<secret>`, shown once. */
  readonly token: string;
}

interface ApiTokenRow {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  application_ids: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const ApplicationIds = z.array(z.string());

function toApiToken(row: ApiTokenRow): ApiToken {
  const role = Role.safeParse(row.role);
  if (!role.success) throw new Error(`api token ${row.id} has unknown role ${row.role}`);
  return {
    id: row.id,
    name: row.name,
    role: role.data,
    applicationIds: row.application_ids === null ? undefined : ApplicationIds.parse(JSON.parse(row.application_ids)),
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}

export function apiTokenState(token: ApiToken, now: Date): ApiTokenState {
  if (token.revokedAt !== undefined) return 'revoked';
  return token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

/** An unlimited admin: the only kind of token that manages tokens and reads the audit log. */
const isUnlimitedAdmin = (token: ApiToken): boolean => token.role === 'admin' && token.applicationIds === undefined;

export function createApiToken(db: Database, input: NewApiToken, now: Date): IssuedApiToken {
  const issued = issueApiToken(input, now);
  insertApiToken(db, issued, '');
  return { apiToken: issued.apiToken, token: issued.token };
}

/**
 * Creates the first admin token (unlimited, never expiring), only while the database has no API token at all:
 * a single conditional insert, so two starting servers cannot both mint one. Undefined when a token existed.
 */
export function createFirstAdminToken(db: Database, now: Date): IssuedApiToken | undefined {
  const issued = issueApiToken({ name: 'admin', role: 'admin' }, now);
  const inserted = insertApiToken(db, issued, 'WHERE NOT EXISTS (SELECT 1 FROM api_tokens)');
  return inserted ? { apiToken: issued.apiToken, token: issued.token } : undefined;
}

/** The active token `token` stands for; undefined when it is malformed, unknown, wrong, expired or revoked. */
export function authenticateApiToken(db: Database, token: string, now: Date): ApiToken | undefined {
  const parsed = parseCredential(token);
  if (!parsed) return undefined;
  const row = db.prepare<[string], ApiTokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.token_hash)) return undefined;
  const apiToken = toApiToken(row);
  return apiTokenState(apiToken, now) === 'active' ? apiToken : undefined;
}

/** Every token, oldest first (never their secrets, which are not stored). */
export function listApiTokens(db: Database): ApiToken[] {
  return db.prepare<[], ApiTokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id').all().map(toApiToken);
}

/**
 * Revokes a token. Idempotent: revoking it again keeps the first revocation time. Refuses (`LAST_ADMIN`) to
 * revoke the last active unlimited admin token, which would leave nobody able to manage tokens.
 */
export function revokeApiToken(db: Database, id: string, now: Date): Result<ApiToken, 'NOT_FOUND' | 'LAST_ADMIN'> {
  // IMMEDIATE: the write lock is taken before the check, so two revocations cannot each see the other admin.
  return db
    .transaction((): Result<ApiToken, 'NOT_FOUND' | 'LAST_ADMIN'> => {
      const row = db.prepare<[string], ApiTokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(id);
      if (!row) return err('NOT_FOUND');
      const token = toApiToken(row);
      if (token.revokedAt !== undefined) return ok(token);
      const active = apiTokenState(token, now) === 'active';
      if (active && isUnlimitedAdmin(token) && countActiveUnlimitedAdmins(db, now) === 1) return err('LAST_ADMIN');
      db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(now.toISOString(), id);
      return ok({ ...token, revokedAt: now.toISOString() });
    })
    .immediate();
}

function countActiveUnlimitedAdmins(db: Database, now: Date): number {
  return listApiTokens(db).filter((token) => isUnlimitedAdmin(token) && apiTokenState(token, now) === 'active').length;
}

function issueApiToken(input: NewApiToken, now: Date): IssuedApiToken & { secret: string } {
  const apiToken: ApiToken = {
    id: newId('tok'),
    name: input.name,
    role: input.role,
    applicationIds: input.applicationIds === undefined ? undefined : [...input.applicationIds],
    createdAt: now.toISOString(),
    expiresAt: input.expiresAt?.toISOString(),
    revokedAt: undefined,
  };
  const secret = newSecret();
  return { apiToken, secret, token: formatCredential({ id: apiToken.id, secret }) };
}

/** Inserts the token when `condition` (a WHERE clause, or '') holds; answers whether it did. */
function insertApiToken(db: Database, { apiToken, secret }: IssuedApiToken & { secret: string }, condition: string): boolean {
  const { id, name, role, applicationIds, createdAt, expiresAt } = apiToken;
  const ids = applicationIds === undefined ? null : JSON.stringify(applicationIds);
  const { changes } = db
    .prepare(
      `INSERT INTO api_tokens (id, name, token_hash, role, application_ids, created_at, expires_at)
       SELECT ?, ?, ?, ?, ?, ?, ? ${condition}`,
    )
    .run(id, name, hashSecret(secret), role, ids, createdAt, expiresAt ?? null);
  return changes === 1;
}
