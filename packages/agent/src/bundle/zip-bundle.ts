import { createWriteStream } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { assertNever, err, ok, type Result } from '@baton/shared';
import yauzl from 'yauzl';
import type { ArchiveEntry, BundleReader, EntryKind, SafeEntry } from './archive-entry.js';
import { quoteName, type BundleError } from './bundle-error.js';
import type { EntryBudget } from './entry-budget.js';
import { toCorruptArchiveError } from './system-error.js';

/** Reads zip bundles: the central directory is listed first, file data is only read when unpacking. */

const S_IFMT = 0o170000;
const KIND_BY_FILE_TYPE: ReadonlyMap<number, EntryKind> = new Map([
  [0o100000, 'file'],
  [0o040000, 'directory'],
  [0o120000, 'symlink'],
  [0o020000, 'character device'],
  [0o060000, 'block device'],
  [0o010000, 'FIFO'],
  [0o140000, 'socket'],
]);
// Only zips made on Unix carry st_mode in the high half of the external attributes.
const MADE_BY_UNIX = 3;
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
  try {
    for await (const source of zip.eachEntry()) {
      const entry = await toArchiveEntry(zip, source);
      if (!entry.ok) return entry;
      const admitted = budget.admit(entry.value);
      if (!admitted.ok) return admitted;
      listed.push({ entry: entry.value, source });
    }
  } catch (error) {
    return err(toCorruptArchiveError(error));
  }
  return ok(listed);
}

async function toArchiveEntry(zip: yauzl.ZipFile, source: yauzl.Entry): Promise<Result<ArchiveEntry, BundleError>> {
  const path = yauzl.getFileNameLowLevel(source.generalPurposeBitFlag, source.fileNameRaw, source.extraFields, false);
  const unixMode = source.versionMadeBy >> 8 === MADE_BY_UNIX ? source.externalFileAttributes >>> 16 : 0;
  const fileType = unixMode & S_IFMT;
  // No file type recorded (a zip not made on Unix): a trailing slash marks a directory.
  const kind: EntryKind =
    fileType === 0
      ? path.endsWith('/') ? 'directory' : 'file'
      : (KIND_BY_FILE_TYPE.get(fileType) ?? 'unsupported entry type');
  const corrupt = (reason: string): Result<never, BundleError> =>
    err({ code: 'CORRUPT_ARCHIVE', message: `bundle entry ${quoteName(path)} ${reason}` });

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
  return ok({
    path,
    kind,
    linkTarget,
    size: kind === 'file' || kind === 'symlink' ? source.uncompressedSize : 0,
    mode: unixMode & 0o7777 || (kind === 'directory' ? 0o755 : 0o644),
    mtime: source.getLastModDate(),
  });
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
