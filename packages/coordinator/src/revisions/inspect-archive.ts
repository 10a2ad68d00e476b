/**
 * Checks a stored bundle before any host sees it, by the same rules the agent applies before it unpacks (the
 * shared bundle/ module): it must be an archive of its declared type that lists to the end, within the entry,
 * unpacked-size and compression-ratio limits (a zip or tar bomb is refused while it is listed, from its headers),
 * and every entry must be safe to unpack (no escape by path or link, no device, no duplicate, no control
 * character, no zip whose local headers disagree with its central directory). The agent checks again as it
 * unpacks (it trusts no coordinator); this check makes the deployment fail with INVALID_REVISION before a host is
 * touched.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  bundleEntryError,
  checkBundleEntries,
  checkLocalHeader,
  checkZipLayout,
  EntryBudget,
  err,
  ok,
  toTarEntry,
  toZipEntry,
  zipEntryKind,
  zipSpanOf,
  type ArchiveEntry,
  type ArchiveLimits,
  type BundleError,
  type BundleType,
  type Result,
  type ZipSpan,
} from '@baton/shared';
import { Parser } from 'tar';
import yauzl from 'yauzl';

export interface ArchiveSummary {
  readonly entries: number;
  readonly unpackedBytes: number;
}

// PATH_MAX: a longer symlink target cannot be created anyway, so it is not read.
const MAX_SYMLINK_TARGET_BYTES = 4096;

/** Lists and checks the archive at `path` as `bundleType`; the error is a sentence for people. */
export async function inspectArchive(path: string, bundleType: BundleType, limits: ArchiveLimits): Promise<Result<ArchiveSummary, string>> {
  const budget = new EntryBudget((await stat(path)).size, limits);
  const listed = bundleType === 'zip' ? await listZip(path, budget) : await listTar(path, budget);
  if (!listed.ok) return err(listed.error.message);
  if (listed.value.length === 0) return err(`the ${bundleType} archive holds no entries`);
  const checked = checkBundleEntries(listed.value);
  if (!checked.ok) return err(checked.error.message);
  return ok({ entries: budget.entries, unpackedBytes: budget.unpackedBytes });
}

const unreadable = (format: string, error: unknown): BundleError => ({
  code: 'CORRUPT_ARCHIVE',
  message: `the bundle is not a readable ${format} archive: ${error instanceof Error ? error.message : String(error)}`,
});

async function listTar(path: string, budget: EntryBudget): Promise<Result<ArchiveEntry[], BundleError>> {
  const entries: ArchiveEntry[] = [];
  let refusal: BundleError | undefined;
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    onReadEntry: (readEntry) => {
      readEntry.resume();
      if (refusal !== undefined) return;
      const entry = toTarEntry(readEntry);
      const admitted = budget.admit(entry);
      if (admitted.ok) entries.push(entry);
      else {
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
  for await (const chunk of createReadStream(path)) {
    if (failure !== undefined || refusal !== undefined) break;
    if (!parser.write(chunk as Buffer)) await Promise.race([once(parser, 'drain').catch(() => undefined), finished]);
  }
  if (failure === undefined && refusal === undefined) parser.end();
  await finished;
  if (refusal !== undefined) return err(refusal);
  if (failure !== undefined) return err(unreadable('tar', failure));
  return ok(entries);
}

async function listZip(path: string, budget: EntryBudget): Promise<Result<ArchiveEntry[], BundleError>> {
  let zip: yauzl.ZipFile;
  try {
    // Names stay raw, so that the shared rules, not yauzl, judge them (and say why).
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (error) {
    return err(unreadable('zip', error));
  }
  const entries: ArchiveEntry[] = [];
  const spans: ZipSpan[] = [];
  try {
    for await (const record of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(record.generalPurposeBitFlag, record.fileNameRaw, record.extraFields, false);
      const local = await zip.readLocalFileHeaderPromise(record);
      const agreed = checkLocalHeader(name, record, local);
      if (!agreed.ok) return agreed;
      spans.push(zipSpanOf(name, record, local));
      const linkTarget = await readSymlinkTarget(zip, record, name);
      if (!linkTarget.ok) return linkTarget;
      const entry = toZipEntry(record, name, { linkTarget: linkTarget.value });
      const admitted = budget.admit(entry);
      if (!admitted.ok) return admitted;
      entries.push(entry);
    }
  } catch (error) {
    return err(unreadable('zip', error));
  } finally {
    zip.close();
  }
  const laidOut = checkZipLayout(spans);
  return laidOut.ok ? ok(entries) : laidOut;
}

/** A zip symlink keeps its target as its data: read it (it is small) so that the link rules can judge it. */
async function readSymlinkTarget(zip: yauzl.ZipFile, record: yauzl.Entry, name: string): Promise<Result<string | undefined, BundleError>> {
  if (zipEntryKind(record, name).kind !== 'symlink') return ok(undefined);
  if (record.uncompressedSize > MAX_SYMLINK_TARGET_BYTES) return err(bundleEntryError('CORRUPT_ARCHIVE', name, 'is a symlink with an over-long target'));
  if (!record.canDecodeFileData()) return err(bundleEntryError('CORRUPT_ARCHIVE', name, 'is a symlink whose target cannot be read'));
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(record)) chunks.push(chunk as Buffer);
  return ok(Buffer.concat(chunks).toString('utf8'));
}
