import { createWriteStream } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  assertNever,
  bundleEntryError,
  checkLocalHeader,
  checkZipLayout,
  err,
  ok,
  toZipEntry,
  zipEntryKind,
  zipSpanOf,
  type ArchiveEntry,
  type BundleError,
  type EntryBudget,
  type Result,
  type SafeEntry,
  type ZipSpan,
} from '@baton/shared';
import yauzl from 'yauzl';
import type { BundleReader } from './bundle-reader.js';
import { toCorruptArchiveError } from './system-error.js';

/**
 * Reads zip bundles: the central directory is listed first, with each entry's local header checked against it;
 * file data is only read when unpacking.
 */

// PATH_MAX: a longer symlink target cannot be created anyway.
const MAX_SYMLINK_TARGET_BYTES = 4096;

export async function openZipBundle(
  archivePath: string,
  budget: EntryBudget,
): Promise<Result<BundleReader, BundleError>> {
  let zip: yauzl.ZipFile;
  try {
    // Names stay raw so that we, not yauzl, decide which ones are unsafe and say why.
    zip = await yauzl.openPromise(archivePath, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (error) {
    return err(toCorruptArchiveError(error));
  }
  try {
    const listed = await listZipEntries(zip, budget);
    if (!listed.ok) {
      zip.close();
      return listed;
    }
    const sources = listed.value.map(({ source }) => source);
    return ok({
      entries: listed.value.map(({ entry }) => entry),
      extractTo: (root, entries) => writeZipEntries(zip, sources, root, entries),
      close: () => zip.close(),
    });
  } catch (error) {
    zip.close();
    throw error;
  }
}

type ListedEntry = { entry: ArchiveEntry; source: yauzl.Entry };

async function listZipEntries(zip: yauzl.ZipFile, budget: EntryBudget): Promise<Result<ListedEntry[], BundleError>> {
  const listed: ListedEntry[] = [];
  const spans: ZipSpan[] = [];
  try {
    for await (const source of zip.eachEntry()) {
      const path = yauzl.getFileNameLowLevel(source.generalPurposeBitFlag, source.fileNameRaw, source.extraFields, false);
      const local = await zip.readLocalFileHeaderPromise(source);
      const agreed = checkLocalHeader(path, source, local);
      if (!agreed.ok) return agreed;
      spans.push(zipSpanOf(path, source, local));
      const entry = await toArchiveEntry(zip, source, path);
      if (!entry.ok) return entry;
      const admitted = budget.admit(entry.value);
      if (!admitted.ok) return admitted;
      listed.push({ entry: entry.value, source });
    }
  } catch (error) {
    return err(toCorruptArchiveError(error));
  }
  const laidOut = checkZipLayout(spans);
  return laidOut.ok ? ok(listed) : laidOut;
}

async function toArchiveEntry(zip: yauzl.ZipFile, source: yauzl.Entry, path: string): Promise<Result<ArchiveEntry, BundleError>> {
  const { kind } = zipEntryKind(source, path);
  const corrupt = (reason: string): Result<never, BundleError> => err(bundleEntryError('CORRUPT_ARCHIVE', path, reason));
  if ((kind === 'file' || kind === 'symlink') && !source.canDecodeFileData()) {
    return corrupt(
      source.isEncrypted() ? 'is encrypted' : `uses unsupported compression method ${source.compressionMethod}`,
    );
  }
  let linkTarget: string | undefined;
  if (kind === 'symlink') {
    if (source.uncompressedSize > MAX_SYMLINK_TARGET_BYTES) return corrupt('is a symlink with an over-long target');
    linkTarget = (await readAll(await zip.openReadStreamPromise(source))).toString('utf8');
  }
  return ok(toZipEntry(source, path, { linkTarget, mtime: source.getLastModDate() }));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Files are created owner-only and exclusively ('wx'): the caller sets final modes once everything is written. */
async function writeZipEntries(
  zip: yauzl.ZipFile,
  sources: readonly yauzl.Entry[],
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
        const source = sources[entry.index];
        if (!source) throw new Error(`zip entry ${entry.index} was not listed`);
        try {
          const data = await zip.openReadStreamPromise(source);
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
