import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAdminToken } from './admin-token.js';
import { authenticateApiToken } from './store/api-tokens.js';
import { openTempDatabase, type TempDatabase } from './testing/temp-database.test-support.js';

describe('bootstrapAdminToken', () => {
  let temp: TempDatabase;
  const now = new Date('2030-01-01T00:00:00.000Z');
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('saves a working admin token, readable by its owner only, on the first start only', () => {
    const first = bootstrapAdminToken(temp.db, temp.dir, now);
    expect(first?.path).toBe(join(temp.dir, 'admin-token'));
    expect(readFileSync(join(temp.dir, 'admin-token'), 'utf8')).toBe(`${first?.token}\n`);
    expect(statSync(join(temp.dir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(first && authenticateApiToken(temp.db, first.token, now)).toMatchObject({ role: 'admin', applicationIds: undefined, expiresAt: undefined });

    expect(bootstrapAdminToken(temp.db, temp.dir, now)).toBeUndefined();
    expect(readFileSync(join(temp.dir, 'admin-token'), 'utf8')).toBe(`${first?.token}\n`);
  });

  it('tightens the mode of a stale file it replaces', () => {
    writeFileSync(join(temp.dir, 'admin-token'), 'stale\n', { mode: 0o644 });
    bootstrapAdminToken(temp.db, temp.dir, now);
    expect(statSync(join(temp.dir, 'admin-token')).mode & 0o777).toBe(0o600);
  });

  it('keeps no token when the file cannot be written', () => {
    expect(() => bootstrapAdminToken(temp.db, join(temp.dir, 'missing-dir'), now)).toThrow(/ENOENT/);
    expect(temp.db.prepare('SELECT count(*) AS n FROM api_tokens').get()).toEqual({ n: 0 });
  });
});
