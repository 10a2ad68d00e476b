/**
 * Sealing of secret values at rest: AES-256-GCM under the coordinator's secrets key, a fresh random 96-bit nonce
 * per value. The sealed form is `nonce (12 bytes) || tag (16 bytes) || ciphertext`. `context` is authenticated
 * but not stored (GCM's additional data): a box opens only for the variable it was sealed for, so a database
 * edit that moves a box to another variable or owner is detected instead of leaking the value elsewhere.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretsKey } from './secrets-key.js';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function sealSecret(key: SecretsKey, plaintext: string, context: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.bytes, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]);
}

/**
 * The plaintext of a box sealed by `sealSecret` with the same key and context. Throws when the box does not
 * open (another key, another context, altered bytes): the startup key check makes that a fault of the database.
 */
export function openSecret(key: SecretsKey, sealed: Uint8Array, context: string): string {
  const box = Buffer.from(sealed);
  if (box.length < NONCE_BYTES + TAG_BYTES) throw new Error(`a sealed secret of ${box.length} bytes is too short`);
  const decipher = createDecipheriv(ALGORITHM, key.bytes, box.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(box.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(box.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new Error(`a sealed secret does not open with the secrets key ${key.id}`, { cause });
  }
}
