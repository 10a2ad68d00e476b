import { timingSafeEqual } from 'node:crypto';
import { hashSecret } from './ids.js';

/**
 * Every bearer secret Baton issues (host credentials, admin API tokens, enrollment tokens) has the form
 * `<id>.<secret>`: the id finds the row, the secret is checked against the row's hash in constant time.
 */
export interface Credential {
  readonly id: string;
  readonly secret: string;
}

export const formatCredential = (credential: Credential): string => `${credential.id}.${credential.secret}`;

/** Splits `<id>.<secret>`; undefined when the text does not have that shape. */
export function parseCredential(text: string): Credential | undefined {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) return undefined;
  return { id: text.slice(0, dot), secret: text.slice(dot + 1) };
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
