import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { err, ok, type Result } from '@baton/shared';
import type { TlsClientOptions } from '../connection/coordinator-trust.js';
import { sendHttpRequest } from '../http-request.js';
import { sha256OfFile } from './digest.js';

export type DownloadError = { readonly code: 'DOWNLOAD_FAILED' | 'DIGEST_MISMATCH'; readonly message: string };

export interface DownloadRequest {
  readonly url: string;
  /** Sent as `Authorization: Bearer <credential>`; never written into a message. */
  readonly credential: string;
  readonly destFile: string;
  readonly expectedSha256: string;
  /** When known, a longer body is refused as it arrives and a shorter one is kept for resuming. */
  readonly expectedSize?: number;
  readonly signal?: AbortSignal;
  /** How the coordinator's certificate is checked (its https trust settings). */
  readonly tls?: TlsClientOptions;
}

/**
 * Downloads a bundle to `destFile`, which appears only once its sha256 has been verified.
 *
 * Idempotent and resumable: a `destFile` that already has the expected digest is not fetched again; bytes land in
 * `<destFile>.part`, and a later call continues an existing part file with a `Range` request when the server
 * answers 206 (it starts over on 200). A part file whose digest turns out wrong is deleted, and so is one a write
 * fault (disk full) cut short. Transport failures and HTTP errors are expected failures; file system faults throw.
 */
export async function downloadBundle(request: DownloadRequest): Promise<Result<void, DownloadError>> {
  const { destFile } = request;
  const expected = request.expectedSha256.toLowerCase();
  if ((await sizeOf(destFile)) !== undefined) {
    if ((await sha256OfFile(destFile)) === expected) return ok(undefined);
    await rm(destFile, { force: true });
  }
  await mkdir(dirname(destFile), { recursive: true });
  const partFile = `${destFile}.part`;
  const fetched = await fetchToPart(request, partFile);
  if (!fetched.ok) return fetched;
  const actual = await sha256OfFile(partFile);
  if (actual !== expected) {
    await rm(partFile, { force: true });
    return err({ code: 'DIGEST_MISMATCH', message: `downloaded bundle has sha256 ${actual}, expected ${expected}` });
  }
  await rename(partFile, destFile);
  return ok(undefined);
}

async function fetchToPart(request: DownloadRequest, partFile: string): Promise<Result<void, DownloadError>> {
  const { expectedSize } = request;
  let offset = (await sizeOf(partFile)) ?? 0;
  if (expectedSize !== undefined && offset > expectedSize) offset = await discard(partFile);
  // A complete part file left by a run that stopped before verifying: the digest check decides.
  if (expectedSize !== undefined && offset === expectedSize && offset > 0) return ok(undefined);

  let sent = await send(request, offset);
  if (sent.ok && sent.value.statusCode === 416 && offset > 0) {
    // The server cannot continue our part file: it is not a prefix of this bundle.
    sent.value.resume();
    sent = await send(request, await discard(partFile));
  }
  if (!sent.ok) return sent;
  const response = sent.value;
  const resumes = response.statusCode === 206 && offset > 0 && rangeStart(response) === offset;
  if (!resumes && response.statusCode !== 200) {
    response.resume();
    if (response.statusCode === 206) await discard(partFile);
    return failed(request.url, `the server answered HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim());
  }
  const sink = createWriteStream(partFile, { flags: resumes ? 'a' : 'w' });
  let writeFault: unknown;
  sink.once('error', (error) => (writeFault = error));
  try {
    await pipeline(response, capAt(resumes ? offset : 0, expectedSize), sink);
  } catch (error) {
    if (writeFault !== undefined) {
      // A disk that filled up would stay full: the agent could not journal this event's result, nor install
      // anything else. What was fetched so far is given back; the next attempt starts over.
      await discard(partFile);
      throw new Error(`cannot write ${partFile}`, { cause: writeFault });
    }
    if (error instanceof OversizedBody) {
      await discard(partFile);
      return failed(request.url, error.message);
    }
    return failed(request.url, `the transfer broke off (${describe(error)}); the next attempt resumes it`);
  }
  const received = (await sizeOf(partFile)) ?? 0;
  if (expectedSize !== undefined && received < expectedSize) {
    const reason = `the transfer ended after ${received} of ${expectedSize} bytes; the next attempt resumes it`;
    return failed(request.url, reason);
  }
  return ok(undefined);
}

async function send(request: DownloadRequest, offset: number): Promise<Result<IncomingMessage, DownloadError>> {
  const headers: Record<string, string> = { authorization: `Bearer ${request.credential}` };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  try {
    return ok(
      await sendHttpRequest(request.url, {
        headers,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        ...(request.tls === undefined ? {} : { tls: request.tls }),
      }),
    );
  } catch (error) {
    return failed(request.url, describe(error));
  }
}

/** The first byte a 206 answer carries, from `Content-Range: bytes START-END/TOTAL`. */
function rangeStart(response: IncomingMessage): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers['content-range'] ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

class OversizedBody extends Error {}

/** Refuses a body that would make the file longer than expected, before it fills the disk. */
function capAt(start: number, limit: number | undefined) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let total = start;
    for await (const chunk of source) {
      total += chunk.length;
      if (limit !== undefined && total > limit) {
        throw new OversizedBody(`the server sent more than the expected ${limit} bytes`);
      }
      yield chunk;
    }
  };
}

const failed = (url: string, reason: string): Result<never, DownloadError> =>
  err({ code: 'DOWNLOAD_FAILED', message: `downloading the bundle from ${url} failed: ${reason}` });

/** The error's message, and its cause's when it has one. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot inspect ${path}`, { cause: error });
  }
}

/** Deletes a part file that cannot be resumed; returns the new offset, 0. */
async function discard(partFile: string): Promise<number> {
  await rm(partFile, { force: true });
  return 0;
}
