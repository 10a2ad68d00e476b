/**
 * Resolves a revision location once into the content-addressed store: identify the exact bytes (S3 ETag/version,
 * Git commit, URL digest), reuse the application's revision of them when there is one, else fetch, check the
 * bundle type and the archive's limits, and register. A location that cannot be resolved is recorded too, with
 * REVISION_MISSING (object, commit or URL not found) or INVALID_REVISION (found, but wrong ETag, digest, type or
 * contents), so that a deployment of it can fail saying why.
 */
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { assertNever, err, ok, type RevisionSource, type BundleType, type Result } from '@baton/shared';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import type { Database } from '../store/database.js';
import { findRevisionBySourceKey, registerRevision, type Revision, type RevisionError } from '../store/revisions.js';
import type { BlobInfo, BlobStore } from './blob-store.js';
import { chooseBundleType, detectBundleType, SNIFF_BYTES } from './detect-bundle-type.js';
import type { RevisionLocation } from './revision-location.js';
import type { SourceFetcher } from './source-fetcher.js';
import { sourceKeyOf } from './source-key.js';

export type ResolverConfig = Pick<
  ServerConfig,
  'dataDir' | 's3' | 'git' | 'maxBundleEntries' | 'maxUnpackedBytes' | 'maxCompressionRatio' | 'revisionFetchTimeoutMs'
>;

export interface UnresolvedLocation extends RevisionError {
  /** The location as shown to people. */
  readonly location: string;
}

export interface RegisteredRevision {
  readonly revision: Revision;
  /** False when the application already had this revision. */
  readonly created: boolean;
}

export class RevisionResolver {
  #s3: S3Client | undefined;

  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly config: ResolverConfig,
    private readonly logger: Logger,
    private readonly clock: () => Date,
  ) {}

  /**
   * Resolves `location` for the application. A failure says which location (as shown to people, without secrets)
   * and why; recording it is the caller's choice (a deployment of it records it, a plain registration does not).
   */
  async resolve(applicationId: string, location: RevisionLocation): Promise<Result<RegisteredRevision, UnresolvedLocation>> {
    const fetcher = await this.fetcherFor(location);
    const log = this.logger.child({ applicationId, location: fetcher.location });
    const resolved = await this.resolveWith(applicationId, fetcher, AbortSignal.timeout(this.config.revisionFetchTimeoutMs));
    if (resolved.ok) {
      const { revision, created } = resolved.value;
      log.info({ revisionId: revision.id, sha256: revision.sha256, created }, 'revision resolved');
      return resolved;
    }
    log.warn({ code: resolved.error.code, reason: resolved.error.message }, 'revision could not be resolved');
    return err({ ...resolved.error, location: fetcher.location });
  }

  /**
   * Checks bytes already in the blob store (an upload, a fetched object) and registers them: the bundle type must
   * match the bytes and the archive must list within the limits.
   */
  async admit(
    applicationId: string,
    blob: BlobInfo,
    origin: { source: RevisionSource; location?: string; declaredType?: BundleType | undefined; name?: string | undefined },
  ): Promise<Result<RegisteredRevision, RevisionError>> {
    const where = origin.location ?? 'the bundle';
    if (blob.size === 0) return err({ code: 'INVALID_REVISION', message: `${where} is empty` });
    const sniffed = detectBundleType(await this.blobs.head(blob.sha256, SNIFF_BYTES));
    const bundleType = chooseBundleType({ declared: origin.declaredType, name: origin.name, sniffed });
    if (!bundleType.ok) return err({ code: 'INVALID_REVISION', message: `${where}: ${bundleType.error}` });
    const { maxBundleEntries: maxEntries, maxUnpackedBytes, maxCompressionRatio } = this.config;
    const limits = { maxEntries, maxUnpackedBytes, maxCompressionRatio };
    const { inspectArchive } = await import('./inspect-archive.js');
    const inspected = await inspectArchive(this.blobs.pathOf(blob.sha256), bundleType.value, limits);
    if (!inspected.ok) return err({ code: 'INVALID_REVISION', message: `${where}: ${inspected.error}` });
    return ok(
      registerRevision(
        this.db,
        { applicationId, ...blob, bundleType: bundleType.value, source: origin.source, ...(origin.location ? { location: origin.location } : {}) },
        this.clock(),
      ),
    );
  }

  private async resolveWith(applicationId: string, fetcher: SourceFetcher, signal: AbortSignal): Promise<Result<RegisteredRevision, RevisionError>> {
    const identified = await fetcher.identify(signal);
    if (!identified.ok) return identified;
    const { source } = identified.value;
    if (fetcher.expectedSha256 !== undefined || source.type !== 'url') {
      const known = findRevisionBySourceKey(this.db, applicationId, sourceKeyOf(source, fetcher.expectedSha256 ?? ''));
      if (known) return ok({ revision: known, created: false });
    }
    const fetched = await identified.value.fetch(signal);
    if (!fetched.ok) return fetched;
    return this.admit(applicationId, fetched.value, {
      source,
      location: fetcher.location,
      declaredType: fetcher.declaredType ?? identified.value.bundleType,
      name: fetcher.nameHint,
    });
  }

  /** Each source's module is loaded on first use: the AWS SDK alone adds much to a coordinator's start and memory. */
  private async fetcherFor(location: RevisionLocation): Promise<SourceFetcher> {
    switch (location.type) {
      case 's3': {
        const { createS3Client, s3Fetcher } = await import('./fetch-s3.js');
        this.#s3 ??= createS3Client(this.config.s3);
        return s3Fetcher(this.#s3, location, this.blobs);
      }
      case 'git':
      case 'github':
      case 'bitbucket': {
        const { gitFetcher } = await import('./fetch-git.js');
        return gitFetcher(location, this.config.git, join(this.config.dataDir, 'tmp'), this.blobs);
      }
      case 'url': {
        const { urlFetcher } = await import('./fetch-url.js');
        return urlFetcher(location, this.blobs);
      }
      default:
        return assertNever(location, 'revision location');
    }
  }

  close(): void {
    this.#s3?.destroy();
  }
}
