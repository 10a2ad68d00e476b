import type { Result } from '@baton/shared';
import type { BundleError } from './bundle-error.js';

/** What a member of an archive is; anything but the first four is refused. */
export type EntryKind =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character device'
  | 'block device'
  | 'FIFO'
  | 'socket'
  | 'unsupported entry type';

/** One archive member as a format reader saw it, before any safety check. */
export interface ArchiveEntry {
  /** The name as stored in the archive (tar: after pax/GNU long-name headers; zip: decoded, `\` read as `/`). */
  readonly path: string;
  readonly kind: EntryKind;
  /** Symlink: the target as stored. Hard link: the archive path of the entry it links to. */
  readonly linkTarget?: string;
  /** Bytes the entry unpacks to (0 for directories and links). */
  readonly size: number;
  /** Permission bits, including set-id and sticky bits (mask 0o7777). */
  readonly mode: number;
  readonly mtime?: Date;
}

/** An entry that passed every check: its path is normalized ("a/b", no "." or empty segments, never the root). */
export interface SafeEntry extends ArchiveEntry {
  readonly kind: 'file' | 'directory' | 'symlink' | 'hardlink';
  /** Position of the entry in the reader's list, so a reader can find its own record of it. */
  readonly index: number;
}

/** A bundle archive that has been listed, and can then write its (already checked) entries under a directory. */
export interface BundleReader {
  readonly entries: readonly ArchiveEntry[];
  /**
   * Writes the content and links of `entries` under `root`, which exists and is empty. Modes and times are applied
   * afterwards by the caller. Corrupt data found while writing is an expected failure; file system faults throw.
   */
  extractTo(root: string, entries: readonly SafeEntry[]): Promise<Result<void, BundleError>>;
  close(): void;
}
