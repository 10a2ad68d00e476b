/**
 * The agent's own check of revision signatures: with trusted keys configured, a revision is downloaded only when
 * one of its signatures verifies with one of them, whatever the coordinator says. The coordinator cannot forge a
 * signature without a private key it never holds, so a compromised coordinator cannot push code to the fleet.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '@baton/shared/result';
import { revisionSigningPayload, type RevisionSignature } from '@baton/shared/protocol';

export interface TrustedKey {
  readonly keyId: string;
  readonly key: KeyObject;
}

/**
 * Reads the configured keys: each entry is a PEM public key inline or the path of one. A key that cannot be read
 * or is not ed25519 fails every signed deployment loudly rather than being skipped.
 */
export async function loadTrustedKeys(entries: readonly string[]): Promise<Result<TrustedKey[], string>> {
  const keys: TrustedKey[] = [];
  for (const entry of entries) {
    const inline = entry.includes('-----BEGIN');
    let pem: string;
    try {
      pem = inline ? entry : await readFile(entry, 'utf8');
    } catch (error) {
      return err(`trusted key ${entry} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      return err(`trusted key ${inline ? '(inline)' : entry} is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ed25519') return err(`trusted key ${inline ? '(inline)' : entry} is not an ed25519 key`);
    keys.push({ keyId: keyIdOf(key), key });
  }
  return ok(keys);
}

/** Pure over its inputs: which trusted key signed the digest, or why the revision is refused. */
export function checkRevisionSignatures(
  sha256: string,
  signatures: readonly RevisionSignature[] | undefined,
  trusted: readonly TrustedKey[],
): Result<string, string> {
  if (!signatures || signatures.length === 0) {
    return err(`revision ${sha256.slice(0, 12)} is not signed, and this agent accepts only revisions signed by a trusted key`);
  }
  const payload = Buffer.from(revisionSigningPayload(sha256));
  for (const { keyId, signature } of signatures) {
    const key = trusted.find((candidate) => candidate.keyId === keyId);
    if (key && verify(null, payload, key.key, Buffer.from(signature, 'base64'))) return ok(keyId);
  }
  const ids = signatures.map((signature) => signature.keyId).join(', ');
  return err(`no valid signature by a trusted key on revision ${sha256.slice(0, 12)} (signed by ${ids}; trusted: ${trusted.map((key) => key.keyId).join(', ')})`);
}

/** The first 16 hex digits of the sha256 of the public key in SPKI DER, as the coordinator names keys. */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/**
 * The DownloadBundle gate: without configured keys every revision passes (undefined); with them, the id of the
 * trusted key that signed the revision, or the reason it is refused.
 */
export async function requireTrustedSignature(
  revision: { readonly sha256: string; readonly signatures?: readonly RevisionSignature[] | undefined },
  trustedKeys: readonly string[],
): Promise<Result<string | undefined, string>> {
  if (trustedKeys.length === 0) return ok(undefined);
  const keys = await loadTrustedKeys(trustedKeys);
  if (!keys.ok) return keys;
  return checkRevisionSignatures(revision.sha256, revision.signatures, keys.value);
}
