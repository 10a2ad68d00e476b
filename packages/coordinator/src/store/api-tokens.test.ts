import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../ids.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import {
  apiTokenState,
  authenticateApiToken,
  createApiToken,
  createFirstAdminToken,
  listApiTokens,
  revokeApiToken,
} from './api-tokens.js';

describe('api tokens store', () => {
  let temp: TempDatabase;
  const now = new Date('2030-01-01T00:00:00.000Z');
  const later = (ms: number) => new Date(now.getTime() + ms);
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('creates the first admin token only once: unlimited, never expiring', () => {
    const first = createFirstAdminToken(temp.db, now);
    expect(first?.apiToken).toMatchObject({ name: 'admin', role: 'admin', applicationIds: undefined, expiresAt: undefined });
    expect(createFirstAdminToken(temp.db, now)).toBeUndefined();
    expect(first && authenticateApiToken(temp.db, first.token, later(10 * 365 * 86_400_000))).toEqual(first?.apiToken);
  });

  it('keeps the role, the application limits and the expiry, and stores only a hash', () => {
    const { apiToken, token } = createApiToken(
      temp.db,
      { name: 'ci', role: 'deployer', applicationIds: ['app-1', 'app-2'], expiresAt: later(60_000) },
      now,
    );
    expect(authenticateApiToken(temp.db, token, now)).toEqual({
      id: apiToken.id,
      name: 'ci',
      role: 'deployer',
      applicationIds: ['app-1', 'app-2'],
      createdAt: now.toISOString(),
      expiresAt: later(60_000).toISOString(),
      revokedAt: undefined,
    });
    const stored = temp.db.prepare('SELECT token_hash FROM api_tokens WHERE id = ?').get(apiToken.id) as { token_hash: string };
    expect(stored.token_hash).toBe(hashSecret(token.slice(token.indexOf('.') + 1)));
  });

  it('authenticates only the right, unexpired, unrevoked token', () => {
    const { apiToken, token } = createApiToken(temp.db, { name: 'ci', role: 'viewer', expiresAt: later(60_000) }, now);
    expect(authenticateApiToken(temp.db, `${apiToken.id}.wrong`, now)).toBeUndefined();
    expect(authenticateApiToken(temp.db, 'garbage', now)).toBeUndefined();
    expect(authenticateApiToken(temp.db, token, later(59_999))).toBeDefined();
    expect(authenticateApiToken(temp.db, token, later(60_000))).toBeUndefined();
    expect(revokeApiToken(temp.db, apiToken.id, now)).toMatchObject({ ok: true, value: { revokedAt: now.toISOString() } });
    expect(authenticateApiToken(temp.db, token, now)).toBeUndefined();
  });

  it('revokes idempotently, keeping the first revocation time', () => {
    createFirstAdminToken(temp.db, now);
    const { apiToken } = createApiToken(temp.db, { name: 'ci', role: 'viewer' }, now);
    revokeApiToken(temp.db, apiToken.id, now);
    expect(revokeApiToken(temp.db, apiToken.id, later(1000))).toMatchObject({ ok: true, value: { revokedAt: now.toISOString() } });
    expect(revokeApiToken(temp.db, 'tok-missing', now)).toEqual({ ok: false, error: 'NOT_FOUND' });
    const expired = createApiToken(temp.db, { name: 'old', role: 'viewer', expiresAt: later(1) }, now);
    expect(revokeApiToken(temp.db, expired.apiToken.id, later(1000))).toMatchObject({ ok: true, value: { revokedAt: later(1000).toISOString() } });
  });

  it('refuses to revoke the last active unlimited admin token', () => {
    const first = createFirstAdminToken(temp.db, now)!;
    const limited = createApiToken(temp.db, { name: 'web-admin', role: 'admin', applicationIds: ['app-1'] }, now);
    const expiring = createApiToken(temp.db, { name: 'old', role: 'admin', expiresAt: later(1000) }, now);
    expect(revokeApiToken(temp.db, first.apiToken.id, later(1000))).toEqual({ ok: false, error: 'LAST_ADMIN' });
    expect(revokeApiToken(temp.db, first.apiToken.id, now)).toMatchObject({ ok: true });
    expect(revokeApiToken(temp.db, expiring.apiToken.id, now)).toEqual({ ok: false, error: 'LAST_ADMIN' });
    expect(revokeApiToken(temp.db, limited.apiToken.id, now)).toMatchObject({ ok: true });
  });

  it('lists every token with its state computed from its times', () => {
    createFirstAdminToken(temp.db, now);
    const expiring = createApiToken(temp.db, { name: 'short', role: 'viewer', expiresAt: later(1000) }, now);
    const revoked = createApiToken(temp.db, { name: 'gone', role: 'viewer' }, now);
    revokeApiToken(temp.db, revoked.apiToken.id, now);
    const states = listApiTokens(temp.db).map((token) => [token.name, apiTokenState(token, later(1000))]);
    expect(states).toEqual(expect.arrayContaining([['admin', 'active'], ['short', 'expired'], ['gone', 'revoked']]));
    expect(states).toHaveLength(3);
    expect(expiring.apiToken.expiresAt).toBe(later(1000).toISOString());
  });
});
