import { readFile } from 'node:fs/promises';
import type { RevisionView } from '../http/views.js';
import { signRevisionDigest } from '../revisions/revision-signature.js';
import type { ApiClient } from './api-client.js';
import { CliError } from './context.js';

/**
 * Signs a revision's digest with the ed25519 private key in `keyFile` (PEM, e.g. from
 * `openssl genpkey -algorithm ed25519`) here, on the operator's machine, and attaches the signature.
 */
export async function signRevision(client: ApiClient, revision: RevisionView, keyFile: string): Promise<RevisionView> {
  if (revision.sha256 === null) throw new CliError('REVISION_UNRESOLVED', `revision ${revision.revisionId} was never resolved: nothing to sign`);
  const pem = await readFile(keyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError('KEY_NOT_READABLE', `cannot read ${keyFile}: ${error.code ?? error.message}`);
  });
  const signed = signRevisionDigest(pem, revision.sha256);
  if (!signed.ok) throw new CliError('INVALID_KEY', `${keyFile}: ${signed.error}`);
  return client.post<RevisionView>(`/api/v1/revisions/${encodeURIComponent(revision.revisionId)}/signatures`, {
    publicKey: signed.value.publicKey,
    signature: signed.value.signature.signature,
  });
}
