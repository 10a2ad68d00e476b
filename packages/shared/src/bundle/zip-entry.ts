import { err, ok, type Result } from '../result.js';
import type { ArchiveEntry, EntryKind } from './archive-entry.js';
import { bundleEntryError, quoteEntryName, type BundleError } from './bundle-error.js';

/**
 * How a zip's records are read as archive entries, and the checks that only a zip needs: every entry's local
 * header must agree with its central-directory record (tools that stream a zip read the local headers, we read the
 * central directory: a bundle that says one thing to them and another to us is refused), and no two entries may
 * share bytes (the "overlapping entries" zip bomb).
 */

/** A central-directory record as yauzl reads it (a `yauzl.Entry` fits). */
export interface ZipCentralRecord {
  readonly versionMadeBy: number;
  readonly generalPurposeBitFlag: number;
  readonly compressionMethod: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly externalFileAttributes: number;
  readonly fileNameRaw: Uint8Array;
  readonly relativeOffsetOfLocalHeader: number;
}

/** A local file header as yauzl reads it (a `yauzl.LocalFileHeader` fits). */
export interface ZipLocalHeader {
  readonly generalPurposeBitFlag: number;
  readonly compressionMethod: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly fileName: Uint8Array;
  /** Where the entry's data starts in the file. */
  readonly fileDataStart: number;
}

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
const ENCRYPTED = 0x1;
const DATA_DESCRIPTOR = 0x8;
const UTF8_NAMES = 0x800;
const ZIP64_SIZE = 0xffffffff;

/** The kind and permission bits a record declares; without a Unix mode, a trailing slash marks a directory. */
export function zipEntryKind(record: ZipCentralRecord, name: string): { kind: EntryKind; mode: number } {
  const unixMode = record.versionMadeBy >> 8 === MADE_BY_UNIX ? record.externalFileAttributes >>> 16 : 0;
  const fileType = unixMode & S_IFMT;
  const kind: EntryKind =
    fileType === 0 ? (name.endsWith('/') ? 'directory' : 'file') : (KIND_BY_FILE_TYPE.get(fileType) ?? 'unsupported entry type');
  return { kind, mode: unixMode & 0o7777 || (kind === 'directory' ? 0o755 : 0o644) };
}

/** The archive entry of a record; a symlink's target is its data, read by the caller. */
export function toZipEntry(
  record: ZipCentralRecord,
  name: string,
  extra: { linkTarget?: string | undefined; mtime?: Date | undefined } = {},
): ArchiveEntry {
  const { kind, mode } = zipEntryKind(record, name);
  return {
    path: name,
    kind,
    linkTarget: extra.linkTarget,
    size: kind === 'file' || kind === 'symlink' ? record.uncompressedSize : 0,
    mode,
    mtime: extra.mtime,
  };
}

/** Refuses an entry whose local header names another file, method, flags, checksum or sizes than its record. */
export function checkLocalHeader(name: string, record: ZipCentralRecord, local: ZipLocalHeader): Result<void, BundleError> {
  const disagree = (what: string): Result<never, BundleError> =>
    err(bundleEntryError('UNSAFE_ENTRY', name, `has a local header that disagrees with the central directory (${what})`));
  if (!sameBytes(record.fileNameRaw, local.fileName)) return disagree(`name ${quoteEntryName(latin1(local.fileName))}`);
  if (record.compressionMethod !== local.compressionMethod) return disagree('compression method');
  const flags = ENCRYPTED | UTF8_NAMES;
  if ((record.generalPurposeBitFlag & flags) !== (local.generalPurposeBitFlag & flags)) return disagree('flags');
  // With a data descriptor the local header's checksum and sizes are zeros; zip64 moves the sizes elsewhere.
  if (local.generalPurposeBitFlag & DATA_DESCRIPTOR) return ok(undefined);
  if (record.crc32 !== local.crc32) return disagree('checksum');
  const zip64 = local.compressedSize === ZIP64_SIZE || local.uncompressedSize === ZIP64_SIZE;
  if (!zip64 && (record.compressedSize !== local.compressedSize || record.uncompressedSize !== local.uncompressedSize)) {
    return disagree('sizes');
  }
  return ok(undefined);
}

/** Where one entry lies in the file: from its local header to the end of its data. */
export interface ZipSpan {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export function zipSpanOf(name: string, record: ZipCentralRecord, local: Pick<ZipLocalHeader, 'fileDataStart'>): ZipSpan {
  return { name, start: record.relativeOffsetOfLocalHeader, end: local.fileDataStart + record.compressedSize };
}

/** Refuses entries whose bytes overlap: each entry of an honest zip has bytes of its own. */
export function checkZipLayout(spans: readonly ZipSpan[]): Result<void, BundleError> {
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < ordered.length; i += 1) {
    const [before, entry] = [ordered[i - 1]!, ordered[i]!];
    if (entry.start < before.end) {
      return err(
        bundleEntryError('UNSAFE_ENTRY', entry.name, `shares its bytes with ${quoteEntryName(before.name)} (overlapping zip entries)`),
      );
    }
  }
  return ok(undefined);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Any bytes as text, one character per byte: the local name may not be valid in the record's encoding. */
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
