import { createHash, randomBytes } from 'node:crypto';

export type IdPrefix = 'app' | 'dg' | 'h' | 'd' | 'rev' | 'et' | 'tok' | 'trg' | 'trs' | 'whd';

// RFC 4648 base32 in lower case: URL-safe, no look-alike punctuation, and it never contains '.', the separator
// of credentials (`<id>.<secret>`).
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_LENGTH = 12;

/** A short random id such as `d-k3v9q2mz7x4a` (60 bits of randomness). */
export function newId(prefix: IdPrefix): string {
  // 256 is a multiple of 32, so masking a random byte keeps every character equally likely.
  const chars = Array.from(randomBytes(ID_LENGTH), (byte) => BASE32[byte & 31]);
  return `${prefix}-${chars.join('')}`;
}

/** 32 random bytes, base64url: the secret half of a credential, shown once and stored only as a hash. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** The stored form of a secret: its sha256 as lowercase hex. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
