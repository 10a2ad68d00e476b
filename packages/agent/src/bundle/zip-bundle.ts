import { createWriteStream } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  assertNever,
  bundleEntryError,
  err,
  ok,
  zipEntryKind,
  type BundleError,
  type EntryBudget,
  type Result,
  type SafeEntry,
} from '@baton/shared';
import { listZipEntries, openZipArchive } from '@baton/shared/archive-io';
import type yauzl from 'yauzl';
import type { BundleReader } from './bundle-reader.js';
import { toCorruptArchiveError } from './system-error.js';

/**
 * Reads zip bundles: the central directory is listed first, with each entry's local header checked against it;
 * file data is only read when unpacking.
 */

export async function openZipBundle(
  archivePath: string,
  budget: EntryBudget,
): Promise<Result<BundleReader, BundleError>> {
  const opened = await openZipArchive(archivePath, toCorruptArchiveError);
  if (!opened.ok) return opened;
  const zip = opened.value;
  try {
    const listed = await listZipEntries(zip, budget, toCorruptArchiveError, refuseUndecodableData);
    if (!listed.ok) {
      zip.close();
      return listed;
    }
    const records = listed.value.map(({ record }) => record);
    return ok({
      entries: listed.value.map(({ entry }) => entry),
      extractTo: (root, entries) => writeZipEntries(zip, records, root, entries),
      close: () => zip.close(),
    });
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Data the agent could not unpack is refused while the archive is listed, before anything is written. */
function refuseUndecodableData(record: yauzl.Entry, path: string): Result<void, BundleError> {
  const { kind } = zipEntryKind(record, path);
  if ((kind !== 'file' && kind !== 'symlink') || record.canDecodeFileData()) return ok(undefined);
  const reason = record.isEncrypted() ? 'is encrypted' : `uses unsupported compression method ${record.compressionMethod}`;
  return err(bundleEntryError('CORRUPT_ARCHIVE', path, reason));
}

/** Files are created owner-only and exclusively ('wx'): the caller sets final modes once everything is written. */
async function writeZipEntries(
  zip: yauzl.ZipFile,
  records: readonly yauzl.Entry[],
  root: string,
  entries: readonly SafeEntry[],
): Promise<Result<void, BundleError>> {
  for (const entry of entries) {
    const target = join(root, entry.path);
    if (entry.kind === 'directory') {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    switch (entry.kind) {
      case 'file': {
        const record = records[entry.index];
        if (!record) throw new Error(`zip entry ${entry.index} was not listed`);
        try {
          const data = await zip.openReadStreamPromise(record);
          await pipeline(data, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
        } catch (error) {
          return err(toCorruptArchiveError(error));
        }
        break;
      }
      case 'symlink':
        await symlink(entry.linkTarget ?? '', target);
        break;
      case 'hardlink':
        throw new Error('zip archives have no hard links; the listing never produces one');
      default:
        assertNever(entry.kind, 'entry kind');
    }
  }
  return ok(undefined);
}
