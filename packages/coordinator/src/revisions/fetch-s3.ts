import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { err, ok, type Result } from '@baton/shared';
import type { ServerConfig } from '../config.js';
import type { RevisionError } from '../store/revisions.js';
import type { BlobInfo, BlobStore } from './blob-store.js';
import type { RevisionLocation } from './revision-location.js';
import { describeError, storeFetched, type SourceFetcher } from './source-fetcher.js';

type S3Location = Extract<RevisionLocation, { type: 's3' }>;

/**
 * The S3 client for the coordinator's configuration. S3-compatible stores (s3rver, older MinIO and Ceph) do not
 * speak the SDK's newer default checksums, and a bundle is verified by its sha256 anyway: checksums are computed
 * and validated only when an operation requires them.
 */
export function createS3Client(settings: ServerConfig['s3']): S3Client {
  const { accessKeyId, secretAccessKey, sessionToken } = settings;
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  });
}

/**
 * `s3://bucket/key`: HEAD tells the exact object (its ETag, and version in a versioned bucket) before anything is
 * downloaded, so a known object is not fetched again and a wrong ETag fails at once. The GET asks for that ETag
 * and its answer is checked too, since not every S3-compatible store honours `If-Match`.
 */
export function s3Fetcher(client: S3Client, location: S3Location, blobs: BlobStore): SourceFetcher {
  const where = `s3://${location.bucket}/${location.key}${location.versionId ? ` (version ${location.versionId})` : ''}`;
  const wanted = location.etag && normalizeEtag(location.etag);
  return {
    location: where,
    nameHint: location.key,
    ...(location.bundleType ? { declaredType: location.bundleType } : {}),

    async identify(signal) {
      const versioned = location.versionId ? { VersionId: location.versionId } : {};
      let head;
      try {
        head = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key, ...versioned }), { abortSignal: signal });
      } catch (error) {
        return err(toRevisionError(error, where));
      }
      const etag = head.ETag && normalizeEtag(head.ETag);
      if (wanted && etag !== wanted) {
        return err({ code: 'INVALID_REVISION', message: `${where} has ETag ${etag ?? '(none)'}, not the expected ${wanted}` });
      }
      // A bucket without versioning answers no version (or "null"); the one asked for is then all there is to record.
      const versionId = head.VersionId && head.VersionId !== 'null' ? head.VersionId : location.versionId;
      const exact = { ...(versionId ? { VersionId: versionId } : {}), ...(etag ? { IfMatch: `"${etag}"` } : {}) };
      return ok({
        source: { type: 's3', bucket: location.bucket, key: location.key, ...(versionId ? { versionId } : {}), ...(etag ? { etag } : {}) },
        fetch: (fetchSignal) => getObject(client, { Bucket: location.bucket, Key: location.key, ...exact }, etag, where, blobs, fetchSignal),
      });
    },
  };
}

async function getObject(
  client: S3Client,
  input: ConstructorParameters<typeof GetObjectCommand>[0],
  etag: string | undefined,
  where: string,
  blobs: BlobStore,
  signal: AbortSignal,
): Promise<Result<BlobInfo, RevisionError>> {
  let object;
  try {
    object = await client.send(new GetObjectCommand(input), { abortSignal: signal });
  } catch (error) {
    return err(toRevisionError(error, where));
  }
  const body = object.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  if (!body) return err({ code: 'REVISION_MISSING', message: `${where} answered without a body` });
  const answered = object.ETag && normalizeEtag(object.ETag);
  if (etag && answered !== etag) {
    body.destroy?.();
    return err({ code: 'INVALID_REVISION', message: `${where} changed while it was fetched (ETag ${answered ?? '(none)'}, expected ${etag})` });
  }
  return storeFetched(blobs, body, where);
}

/** ETags travel quoted (`"abc"`); people often type them bare. */
const normalizeEtag = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

/** Answers that mean "no such object for us": missing, or hidden from our credentials. */
const MISSING = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchVersion', 'AccessDenied', 'Forbidden', 'InvalidBucketName']);

function toRevisionError(error: unknown, where: string): RevisionError {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    if (error.name === 'PreconditionFailed' || status === 412) {
      return { code: 'INVALID_REVISION', message: `${where} no longer has the expected ETag` };
    }
    if (MISSING.has(error.name) || status === 404 || status === 403) {
      return { code: 'REVISION_MISSING', message: `${where} not found: ${error.name}${status ? ` (HTTP ${status})` : ''}` };
    }
    return { code: 'REVISION_MISSING', message: `${where} could not be fetched: ${error.name}: ${error.message}` };
  }
  // Timeouts and network failures (connection refused, DNS): the object cannot be had.
  return { code: 'REVISION_MISSING', message: `${where} could not be reached: ${describeError(error)}` };
}
