import { describe, expect, it } from 'vitest';
import { hashSecret, newId, newSecret } from './ids.js';

describe('newId', () => {
  it('is the prefix, a dash and 12 base32 characters', () => {
    expect(newId('d')).toMatch(/^d-[a-z2-7]{12}$/);
    expect(newId('rev')).toMatch(/^rev-[a-z2-7]{12}$/);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('h')));
    expect(ids.size).toBe(1000);
  });
});

describe('newSecret', () => {
  it('is 32 random bytes in base64url', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(newSecret()).not.toBe(secret);
  });
});

describe('hashSecret', () => {
  it('is the sha256 hex digest', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
