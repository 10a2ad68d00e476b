import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { err, ok, type Result } from '@baton/shared';
import { extract, Parser, type ReadEntry } from 'tar';
import type { ArchiveEntry, BundleReader, EntryKind } from './archive-entry.js';
import type { BundleError } from './bundle-error.js';
import type { EntryBudget } from './entry-budget.js';
import { toCorruptArchiveError } from './system-error.js';

/** Reads tar and gzip-compressed tar bundles (tar detects the compression from the bytes). */

const KIND_BY_TAR_TYPE: Readonly<Record<string, EntryKind>> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};

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
      const entry = toArchiveEntry(readEntry);
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

function toArchiveEntry(entry: ReadEntry): ArchiveEntry {
  const kind = KIND_BY_TAR_TYPE[entry.type] ?? 'unsupported entry type';
  return {
    path: entry.path,
    kind,
    linkTarget: kind === 'symlink' || kind === 'hardlink' ? (entry.linkpath ?? '') : undefined,
    size: kind === 'file' ? entry.size : 0,
    mode: (entry.mode ?? (kind === 'directory' ? 0o755 : 0o644)) & 0o7777,
    mtime: entry.mtime,
  };
}

async function extractTar(archivePath: string, root: string): Promise<Result<void, BundleError>> {
  try {
    // Files belong to the agent's user, as with zip bundles, not to whatever uid the bundle's author had.
    await extract({ file: archivePath, cwd: root, strict: true, preserveOwner: false });
    return ok(undefined);
  } catch (error) {
    return err(toCorruptArchiveError(error));
  }
}
