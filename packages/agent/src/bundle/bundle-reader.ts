import type { ArchiveEntry, BundleError, Result, SafeEntry } from '@baton/shared';

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
