import { err, ok, type RevisionSource, type BundleType, type Result } from '@baton/shared';
import type { RevisionError } from '../store/revisions.js';
import type { BlobInfo, BlobStore } from './blob-store.js';

/**
 * One kind of revision location (S3, Git, URL) in two steps: `identify` finds out cheaply which exact bytes the
 * location stands for (an object's ETag, a branch's commit), so bytes resolved before are not fetched again;
 * `fetch` then stores them in the blob store. Expected failures are results with the deployment error code.
 */
export interface SourceFetcher {
  /** The location as asked for, for people. */
  readonly location: string;
  /** A file name that may tell the bundle type (`.zip`, `.tgz`). */
  readonly nameHint?: string;
  readonly declaredType?: BundleType;
  /** The digest the bytes must have, when the location says (`--url … --sha256`). */
  readonly expectedSha256?: string;
  identify(signal: AbortSignal): Promise<Result<IdentifiedSource, RevisionError>>;
}

export interface IdentifiedSource {
  readonly source: RevisionSource;
  /** Git archives are always tgz. */
  readonly bundleType?: BundleType;
  fetch(signal: AbortSignal): Promise<Result<BlobInfo, RevisionError>>;
}

/**
 * Streams fetched bytes into the blob store. Too large or not the expected digest is INVALID_REVISION (nothing is
 * kept); a transfer that breaks off is REVISION_MISSING (the location could not be read).
 */
export async function storeFetched(
  blobs: BlobStore,
  body: AsyncIterable<Uint8Array>,
  where: string,
  expectedSha256?: string,
): Promise<Result<BlobInfo, RevisionError>> {
  let stored;
  try {
    stored = expectedSha256 === undefined ? await blobs.putStream(body) : await blobs.putStream(body, expectedSha256);
  } catch (error) {
    return err({ code: 'REVISION_MISSING', message: `${where}: the transfer broke off: ${describeError(error)}` });
  }
  if (stored.ok) return ok(stored.value);
  const problem = stored.error;
  if (problem.code === 'TOO_LARGE') {
    return err({ code: 'INVALID_REVISION', message: `${where} is larger than the limit of ${problem.maxBytes} bytes` });
  }
  return err({ code: 'INVALID_REVISION', message: `${where} has sha256 ${problem.actual}, not the expected ${problem.expected}` });
}

/** The error's message, and its cause's when it has one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
