import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import {
  createEnrollmentToken,
  enrollmentTokenState,
  listEnrollmentTokens,
  revokeEnrollmentToken,
  verifyEnrollmentToken,
} from './enrollment-tokens.js';

describe('enrollment tokens store', () => {
  let temp: TempDatabase;
  const now = new Date('2030-01-01T00:00:00.000Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('is usable, repeatedly, until it expires', () => {
    const { enrollmentToken, token } = createEnrollmentToken(temp.db, 60_000, now);
    expect(enrollmentToken.expiresAt).toBe('2030-01-01T00:01:00.000Z');
    expect(verifyEnrollmentToken(temp.db, token, now)).toEqual(enrollmentToken);
    expect(verifyEnrollmentToken(temp.db, token, at(59_999))).toEqual(enrollmentToken);
    expect(verifyEnrollmentToken(temp.db, token, at(60_000))).toBeUndefined();
    expect(enrollmentTokenState(enrollmentToken, at(60_000))).toBe('expired');
  });

  it('is refused when wrong or unknown', () => {
    const { enrollmentToken } = createEnrollmentToken(temp.db, 60_000, now);
    expect(verifyEnrollmentToken(temp.db, `${enrollmentToken.id}.wrong`, now)).toBeUndefined();
    expect(verifyEnrollmentToken(temp.db, 'et-unknown.secret', now)).toBeUndefined();
    expect(verifyEnrollmentToken(temp.db, 'garbage', now)).toBeUndefined();
  });

  it('is refused once revoked; revoking again keeps the first time', () => {
    const { enrollmentToken, token } = createEnrollmentToken(temp.db, 60_000, now);
    const revoked = revokeEnrollmentToken(temp.db, enrollmentToken.id, at(1000));
    expect(revoked?.revokedAt).toBe(at(1000).toISOString());
    expect(revokeEnrollmentToken(temp.db, enrollmentToken.id, at(2000))?.revokedAt).toBe(at(1000).toISOString());
    expect(verifyEnrollmentToken(temp.db, token, at(1000))).toBeUndefined();
    expect(revoked && enrollmentTokenState(revoked, at(1000))).toBe('revoked');
    expect(revokeEnrollmentToken(temp.db, 'et-unknown', now)).toBeUndefined();
  });

  it('lists tokens in creation order', () => {
    const first = createEnrollmentToken(temp.db, 1000, now).enrollmentToken;
    const second = createEnrollmentToken(temp.db, 1000, at(1)).enrollmentToken;
    expect(listEnrollmentTokens(temp.db)).toEqual([first, second]);
  });
});
