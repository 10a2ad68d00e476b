import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './secret-box.js';
import { secretsKeyId, type SecretsKey } from './secrets-key.js';

const newKey = (): SecretsKey => {
  const bytes = randomBytes(32);
  return { id: secretsKeyId(bytes), bytes, file: '/nowhere/secrets.key' };
};

describe('sealSecret and openSecret', () => {
  const key = newKey();

  it('round-trips any text, and seals the same text differently each time', () => {
    for (const text of ['', 's3cret', 'ünïcødé ✓', '-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n', 'x'.repeat(40_000)]) {
      const sealed = sealSecret(key, text, 'app/dg/NAME');
      expect(openSecret(key, sealed, 'app/dg/NAME')).toBe(text);
      if (text !== '') expect(sealed.includes(Buffer.from(text))).toBe(false);
    }
    expect(sealSecret(key, 'same', 'c').equals(sealSecret(key, 'same', 'c'))).toBe(false);
  });

  it('refuses to open with another key, for another variable, or after a change to the box', () => {
    const sealed = sealSecret(key, 'hunter2', 'app-1//DB_PASSWORD');
    expect(() => openSecret(newKey(), sealed, 'app-1//DB_PASSWORD')).toThrow(/does not open/);
    expect(() => openSecret(key, sealed, 'app-2//DB_PASSWORD')).toThrow(/does not open/);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1]! ^= 1;
    expect(() => openSecret(key, altered, 'app-1//DB_PASSWORD')).toThrow(/does not open/);
    expect(() => openSecret(key, sealed.subarray(0, 10), 'app-1//DB_PASSWORD')).toThrow(/too short/);
  });
});
