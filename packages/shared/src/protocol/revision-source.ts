/**
 * Where a revision's bytes came from, and the signatures vouching for its digest. The coordinator records both
 * with the revision and sends them to agents inside the deployment context: hook scripts see the source as
 * `BUNDLE_*` variables, and an agent with trusted keys checks the signatures before it downloads anything.
 */
import { z } from 'zod';

export const RevisionSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('upload') }),
  z.object({
    type: z.literal('s3'),
    bucket: z.string().min(1),
    key: z.string().min(1),
    /** Only for versioned buckets. */
    versionId: z.string().min(1).optional(),
    etag: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('git'),
    /** The repository URL without credentials. */
    repository: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a full commit id'),
    /** The branch or tag the commit was resolved from, when one was given instead of a commit. */
    ref: z.string().min(1).optional(),
  }),
  z.object({ type: z.literal('url'), url: z.string().min(1) }),
]);
export type RevisionSource = z.infer<typeof RevisionSource>;

/** An ed25519 signature over `revisionSigningPayload(sha256)`, by the key whose id is `keyId`. */
export const RevisionSignature = z.object({
  /** The first 16 hex digits of the sha256 of the public key (SPKI, DER): names the key, proves nothing. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex digits'),
  /** Base64 of the 64-byte signature. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'expected a base64 ed25519 signature'),
});
export type RevisionSignature = z.infer<typeof RevisionSignature>;

/**
 * The bytes a revision signature covers: the digest with a fixed prefix, so that a signature made for a Baton
 * revision cannot be replayed as a signature over anything else the same key signs.
 */
export function revisionSigningPayload(sha256: string): string {
  return `baton-revision-sha256:${sha256}`;
}
