import { err, ok, type BundleError, type EntryBudget, type Result } from '@baton/shared';
import { listTarEntries } from '@baton/shared/archive-io';
import { extract, type ReadEntry } from 'tar';
import type { BundleReader } from './bundle-reader.js';
import { toCorruptArchiveError } from './system-error.js';

/** Reads tar and gzip-compressed tar bundles (tar detects the compression from the bytes). */

const SET_ID_BITS = 0o6000;

/**
 * Lists the archive (a full pass over the bytes, so a truncated or corrupt archive is refused here), then offers
 * to unpack it in a second pass with tar's own strict extractor, which adds its own path checks on top of ours.
 */
export async function openTarBundle(archivePath: string, budget: EntryBudget): Promise<Result<BundleReader, BundleError>> {
  const listed = await listTarEntries(archivePath, budget, toCorruptArchiveError);
  if (!listed.ok) return listed;
  return ok({
    entries: listed.value,
    extractTo: (root) => extractTar(archivePath, root),
    close: () => undefined,
  });
}

/** Set-id bits never reach the disk, not even until the caller sets the final modes (see entry-rules.ts). */
function withoutSetIdBits(entry: ReadEntry): void {
  if (entry.mode !== undefined) entry.mode &= ~SET_ID_BITS;
}

async function extractTar(archivePath: string, root: string): Promise<Result<void, BundleError>> {
  try {
    // Files belong to the agent's user, as with zip bundles, not to whatever uid the bundle's author had.
    await extract({ file: archivePath, cwd: root, strict: true, preserveOwner: false, onReadEntry: withoutSetIdBits });
    return ok(undefined);
  } catch (error) {
    return err(toCorruptArchiveError(error));
  }
}
