/**
 * Trigger signing secrets at rest: sealed under the coordinator's secrets key like secret variables, the box
 * bound to the secret's reference. Only the webhook dispatcher opens a box, to sign what it sends.
 */
import { openSecret, sealSecret } from '../variables/secret-box.js';
import type { SecretsKey } from '../variables/secrets-key.js';
import type { SealedTriggerSecret } from './trigger-store.js';

/** The box opens only for its reference: moved to another reference by a database edit, it no longer opens. */
const sealingContext = (secretRef: string): string => `trigger-secret/${secretRef}`;

export function sealTriggerSecret(key: SecretsKey, secretRef: string, secret: string): SealedTriggerSecret {
  return { secretRef, sealed: sealSecret(key, secret, sealingContext(secretRef)), keyId: key.id };
}

/** Throws when the box does not open (another key, altered bytes): the start's key check makes that a fault. */
export function openTriggerSecret(key: SecretsKey, stored: SealedTriggerSecret): string {
  return openSecret(key, stored.sealed, sealingContext(stored.secretRef));
}
