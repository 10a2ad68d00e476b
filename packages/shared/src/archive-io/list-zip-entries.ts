import yauzl from 'yauzl';
import {
  bundleEntryError,
  checkLocalHeader,
  checkZipLayout,
  toZipEntry,
  zipEntryKind,
  zipSpanOf,
  type ArchiveEntry,
  type BundleError,
  type EntryBudget,
  type ZipSpan,
} from '../bundle/index.js';
import { err, ok, type Result } from '../result.js';
import type { DescribeFailure } from './describe-failure.js';

/**
 * Lists a zip from its central directory, checking each record against its local header and the records' layout
 * against overlap; file data is not read, but for a symlink's target (the link rules must judge it).
 */

// PATH_MAX: a longer symlink target cannot be created anyway, so it is not read.
const MAX_SYMLINK_TARGET_BYTES = 4096;

/** An entry with the record it was read from, to read its data from later. */
export interface ListedZipEntry {
  readonly entry: ArchiveEntry;
  readonly record: yauzl.Entry;
}

/** A caller's own rule for a record, applied after its local header is checked and before its entry is read. */
export type CheckZipRecord = (record: yauzl.Entry, name: string) => Result<void, BundleError>;

/** Opens the zip at `path` for listing; the caller closes it. An unreadable zip is the refusal `describeFailure` makes. */
export async function openZipArchive(path: string, describeFailure: DescribeFailure): Promise<Result<yauzl.ZipFile, BundleError>> {
  try {
    // Names stay raw, so that the shared rules, not yauzl, judge them (and say why).
    return ok(await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false }));
  } catch (error) {
    return err(describeFailure(error));
  }
}

/**
 * Lists every entry of `zip` (opened by `openZipArchive`), admitting each to `budget` as it is read: the first
 * refusal stops the listing. A read error is the refusal `describeFailure` makes of it. `zip` stays open.
 */
export async function listZipEntries(
  zip: yauzl.ZipFile,
  budget: EntryBudget,
  describeFailure: DescribeFailure,
  checkRecord: CheckZipRecord = () => ok(undefined),
): Promise<Result<ListedZipEntry[], BundleError>> {
  const listed: ListedZipEntry[] = [];
  const spans: ZipSpan[] = [];
  try {
    for await (const record of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(record.generalPurposeBitFlag, record.fileNameRaw, record.extraFields, false);
      const local = await zip.readLocalFileHeaderPromise(record);
      const agreed = checkLocalHeader(name, record, local);
      if (!agreed.ok) return agreed;
      spans.push(zipSpanOf(name, record, local));
      const allowed = checkRecord(record, name);
      if (!allowed.ok) return allowed;
      const linkTarget = await readSymlinkTarget(zip, record, name);
      if (!linkTarget.ok) return linkTarget;
      const entry = toZipEntry(record, name, { linkTarget: linkTarget.value, mtime: record.getLastModDate() });
      const admitted = budget.admit(entry);
      if (!admitted.ok) return admitted;
      listed.push({ entry, record });
    }
  } catch (error) {
    return err(describeFailure(error));
  }
  const laidOut = checkZipLayout(spans);
  return laidOut.ok ? ok(listed) : laidOut;
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
