import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { authenticateApiToken, createApiToken, createFirstAdminToken } from './api-tokens.js';

describe('api tokens store', () => {
  let temp: TempDatabase;
  const now = new Date('2030-01-01T00:00:00.000Z');
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('creates the first admin token only once', () => {
    const first = createFirstAdminToken(temp.db, now);
    expect(first?.apiToken).toMatchObject({ name: 'admin', role: 'admin' });
    expect(createFirstAdminToken(temp.db, now)).toBeUndefined();
    expect(first && authenticateApiToken(temp.db, first.token)).toEqual(first?.apiToken);
  });

  it('authenticates only the right, unrevoked token', () => {
    const { apiToken, token } = createApiToken(temp.db, 'ci', now);
    expect(authenticateApiToken(temp.db, token)).toEqual(apiToken);
    expect(authenticateApiToken(temp.db, `${apiToken.id}.wrong`)).toBeUndefined();
    expect(authenticateApiToken(temp.db, 'garbage')).toBeUndefined();
    temp.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(now.toISOString(), apiToken.id);
    expect(authenticateApiToken(temp.db, token)).toBeUndefined();
  });
});
