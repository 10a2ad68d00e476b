import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { err, ok, toTarEntry, type ArchiveEntry, type BundleError, type EntryBudget, type Result } from '@baton/shared';
import { extract, Parser, type ReadEntry } from 'tar';
import type { BundleReader } from './bundle-reader.js';
import { toCorruptArchiveError } from './system-error.js';

/** Reads tar and gzip-compressed tar bundles (tar detects the compression from the bytes). */

const SET_ID_BITS = 0o6000;

/**
 * Lists the archive (a full pass over the bytes, so a truncated or corrupt archive is refused here), then offers
 * to unpack it in a second pass with tar's own strict extractor, which adds its own path checks on top of ours.
 */
export async function openTarBundle(archivePath: string, budget: EntryBudget): Promise<Result<BundleReader, BundleError>> {
  const listed = await listTarEntries(archivePath, budget);
  if (!listed.ok) return listed;
  return ok({
    entries: listed.value,
    extractTo: (root) => extractTar(archivePath, root),
    close: () => undefined,
  });
}

async function listTarEntries(archivePath: string, budget: EntryBudget): Promise<Result<ArchiveEntry[], BundleError>> {
  const entries: ArchiveEntry[] = [];
  let refusal: BundleError | undefined;
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    onReadEntry: (readEntry) => {
      readEntry.resume();
      if (refusal) return;
      const entry = toTarEntry(readEntry);
      const admitted = budget.admit(entry);
      if (admitted.ok) {
        entries.push(entry);
      } else {
        refusal = admitted.error;
        parser.abort(new Error(refusal.message));
      }
    },
  });
  const finished = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (error: unknown) => {
      failure ??= error;
      resolve();
    });
  });
  for await (const chunk of createReadStream(archivePath)) {
    if (failure !== undefined) break;
    if (!parser.write(chunk as Buffer)) await Promise.race([once(parser, 'drain').catch(() => undefined), finished]);
  }
  if (failure === undefined) parser.end();
  await finished;
  if (refusal) return err(refusal);
  if (failure !== undefined) return err(toCorruptArchiveError(failure));
  return ok(entries);
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
