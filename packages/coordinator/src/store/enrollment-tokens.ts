import { formatCredential, parseCredential, secretMatches } from '../credentials.js';
import { hashSecret, newId, newSecret } from '../ids.js';
import type { Database } from './database.js';

/**
 * An enrollment token lets agents enroll hosts: reusable by any number of hosts until it expires or is
 * revoked. Its state is computed from its times, never stored.
 */
export interface EnrollmentToken {
  readonly id: string;
  readonly expiresAt: string;
  readonly revokedAt: string | undefined;
  readonly createdAt: string;
}

export type EnrollmentTokenState = 'active' | 'expired' | 'revoked';

interface EnrollmentTokenRow {
  id: string;
  token_hash: string;
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
}

const toEnrollmentToken = (row: EnrollmentTokenRow): EnrollmentToken => ({
  id: row.id,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at ?? undefined,
  createdAt: row.created_at,
});

export function enrollmentTokenState(token: EnrollmentToken, now: Date): EnrollmentTokenState {
  if (token.revokedAt !== undefined) return 'revoked';
  return Date.parse(token.expiresAt) <= now.getTime() ? 'expired' : 'active';
}

/** Creates a token valid for `ttlMs` from now; its text (`<id>.<secret>`) is returned once. */
export function createEnrollmentToken(
  db: Database,
  ttlMs: number,
  now: Date,
): { enrollmentToken: EnrollmentToken; token: string } {
  const id = newId('et');
  const secret = newSecret();
  const enrollmentToken = {
    id,
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    revokedAt: undefined,
    createdAt: now.toISOString(),
  };
  db.prepare('INSERT INTO enrollment_tokens (id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?)').run(
    id,
    hashSecret(secret),
    enrollmentToken.expiresAt,
    enrollmentToken.createdAt,
  );
  return { enrollmentToken, token: formatCredential({ id, secret }) };
}

/** The token if `token` is one of ours and still usable now (not expired, not revoked); otherwise undefined. */
export function verifyEnrollmentToken(db: Database, token: string, now: Date): EnrollmentToken | undefined {
  const parsed = parseCredential(token);
  if (!parsed) return undefined;
  const row = db.prepare<[string], EnrollmentTokenRow>('SELECT * FROM enrollment_tokens WHERE id = ?').get(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.token_hash)) return undefined;
  const enrollmentToken = toEnrollmentToken(row);
  return enrollmentTokenState(enrollmentToken, now) === 'active' ? enrollmentToken : undefined;
}

/**
 * Revokes a token. Idempotent: revoking it again keeps the first revocation time.
 * Returns the token, or undefined when there is no such token.
 */
export function revokeEnrollmentToken(db: Database, id: string, now: Date): EnrollmentToken | undefined {
  db.prepare('UPDATE enrollment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.toISOString(), id);
  const row = db.prepare<[string], EnrollmentTokenRow>('SELECT * FROM enrollment_tokens WHERE id = ?').get(id);
  return row && toEnrollmentToken(row);
}

export function listEnrollmentTokens(db: Database): EnrollmentToken[] {
  return db
    .prepare<[], EnrollmentTokenRow>('SELECT * FROM enrollment_tokens ORDER BY created_at, id')
    .all()
    .map(toEnrollmentToken);
}
