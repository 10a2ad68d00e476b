/**
 * Ed25519 signatures over a revision's digest (`revisionSigningPayload`). The private key never reaches the
 * coordinator: `baton revision sign` and `baton deploy --sign-key` sign on the operator's machine and send the
 * signature with the public key, which the coordinator checks before storing it. Agents with trusted keys verify
 * again: the coordinator's check only catches mistakes early.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { err, ok, revisionSigningPayload, type Result, type RevisionSignature } from '@baton/shared';

/** A key's id: the first 16 hex digits of the sha256 of its public key in SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Signs a digest with a PEM ed25519 private key; answers the signature and the public key (PEM) to send. */
export function signRevisionDigest(privateKeyPem: string, sha256: string): Result<{ signature: RevisionSignature; publicKey: string }, string> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (error) {
    return err(`not a PEM private key: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') return err(`expected an ed25519 key, got ${privateKey.asymmetricKeyType ?? 'a secret key'}`);
  const publicKey = createPublicKey(privateKey);
  const signature = sign(null, Buffer.from(revisionSigningPayload(sha256)), privateKey).toString('base64');
  return ok({ signature: { keyId: keyIdOf(publicKey), signature }, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
}

/** Checks a signature sent with its public key; answers the signature as stored (with the key's id). */
export function checkRevisionSignature(publicKeyPem: string, sha256: string, signature: string): Result<RevisionSignature, string> {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch (error) {
    return err(`not a PEM public key: ${(error as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') return err(`expected an ed25519 key, got ${publicKey.asymmetricKeyType ?? 'another kind'}`);
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || !verify(null, Buffer.from(revisionSigningPayload(sha256)), publicKey, bytes)) {
    return err(`the signature does not verify for revision ${sha256} with key ${keyIdOf(publicKey)}`);
  }
  return ok({ keyId: keyIdOf(publicKey), signature: bytes.toString('base64') });
}
