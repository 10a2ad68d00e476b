/**
 * A bundle download that outlasts a coordinator restart. A coordinator that restarts (an upgrade, a crash)
 * refuses connections or breaks a transfer off for a moment, and that alone must not fail the event: transport
 * and HTTP failures are tried again after a pause, resuming the part file; a digest mismatch is final. After
 * the last pause, or as soon as `signal` aborts (the agent stopping), the last failure is the answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from '@baton/shared';
import { downloadBundle, type DownloadError, type DownloadRequest } from './download.js';

/** The pauses before each new attempt: about 15 s in all, several times what a coordinator takes to restart. */
const DOWNLOAD_RETRY_PAUSES_MS: readonly number[] = [500, 1000, 2000, 4000, 8000];

export async function downloadBundleWithRetries(
  request: DownloadRequest,
  signal?: AbortSignal,
  pausesMs: readonly number[] = DOWNLOAD_RETRY_PAUSES_MS,
): Promise<Result<void, DownloadError>> {
  let result = await downloadBundle(request);
  for (const pause of pausesMs) {
    if (result.ok || result.error.code !== 'DOWNLOAD_FAILED') return result;
    try {
      await sleep(pause, undefined, signal === undefined ? {} : { signal });
    } catch (error) {
      if (signal?.aborted) return result;
      throw error;
    }
    result = await downloadBundle(request);
  }
  return result;
}
