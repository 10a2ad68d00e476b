import { BundleType, Sha256Hex } from '@baton/shared';
import { z } from 'zod';

/**
 * A revision's location as the API takes it. Each kind is resolved once into the content-addressed store; a
 * Git `ref` may be a full commit id or a branch or tag name, resolved to a commit when the deployment is created.
 */
export const RevisionLocation = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('s3'),
    bucket: z.string().min(3).max(63),
    key: z.string().min(1).max(1024),
    versionId: z.string().min(1).optional(),
    /** The object must still have this ETag (quotes optional). */
    etag: z.string().min(1).optional(),
    bundleType: BundleType.optional(),
  }),
  z.object({ type: z.literal('git'), repository: z.string().min(1), ref: z.string().min(1) }),
  /** `OWNER/REPO` under the coordinator's configured GitHub or Bitbucket base URL. */
  z.object({ type: z.enum(['github', 'bitbucket']), repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected OWNER/REPO'), ref: z.string().min(1) }),
  z.object({
    type: z.literal('url'),
    url: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
    sha256: Sha256Hex,
    bundleType: BundleType.optional(),
  }),
]);
export type RevisionLocation = z.infer<typeof RevisionLocation>;
