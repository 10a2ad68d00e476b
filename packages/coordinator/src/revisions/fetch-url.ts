import { err, ok } from '@baton/shared';
import type { BlobStore } from './blob-store.js';
import { redactUrl } from './redact-url.js';
import type { RevisionLocation } from './revision-location.js';
import { describeError, storeFetched, type SourceFetcher } from './source-fetcher.js';

type UrlLocation = Extract<RevisionLocation, { type: 'url' }>;

/**
 * `--url … --sha256 …`: the digest is given, so bytes already stored for this URL are not fetched again and
 * downloaded bytes are kept only when they have it. A missing or unreachable URL is REVISION_MISSING.
 */
export function urlFetcher(location: UrlLocation, blobs: BlobStore): SourceFetcher {
  const where = redactUrl(location.url);
  return {
    location: where,
    nameHint: new URL(location.url).pathname,
    expectedSha256: location.sha256,
    ...(location.bundleType ? { declaredType: location.bundleType } : {}),

    identify: async () =>
      ok({
        source: { type: 'url', url: where },
        async fetch(signal) {
          let response: Response;
          try {
            response = await fetch(location.url, { signal, redirect: 'follow' });
          } catch (error) {
            return err({ code: 'REVISION_MISSING', message: `${where} could not be reached: ${describeError(error)}` });
          }
          if (!response.ok || !response.body) {
            await response.body?.cancel();
            const reason = response.status === 404 || response.status === 410 ? 'not found' : 'could not be fetched';
            return err({ code: 'REVISION_MISSING', message: `${where} ${reason}: HTTP ${response.status}` });
          }
          return storeFetched(blobs, response.body, where, location.sha256);
        },
      }),
  };
}
