import { err, ok, type Result } from '../result.js';
import type { ArchiveEntry } from './archive-entry.js';
import type { BundleError } from './bundle-error.js';
import { quoteEntryName } from './bundle-error.js';

/** How much a bundle may unpack to: the defence against zip and tar bombs. */
export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxUnpackedBytes: number;
  /**
   * Unpacked bytes per archive byte. Deflate cannot compress better than about 1032:1, so a bomb of one layer sits
   * near that and a zip whose entries share their data (the "overlapping" bomb) far above it; honest bundles stay
   * well under 100:1. Only applied past RATIO_FLOOR_BYTES: a small bundle cannot hurt, however well it compresses.
   */
  readonly maxCompressionRatio: number;
}

/** One set of defaults for the coordinator and the agent: a bundle the coordinator accepts, a default agent unpacks. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxEntries: 100_000,
  maxUnpackedBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 300,
});

export const RATIO_FLOOR_BYTES = 64 * 1024 ** 2;

/**
 * Counts entries and unpacked bytes as a reader lists an archive, so that a bomb is refused while it is listed,
 * from its headers, before its data is decompressed and before anything is written.
 */
export class EntryBudget {
  #entries = 0;
  #bytes = 0;

  /** @param archiveBytes the size of the archive file, which the compression ratio is measured against */
  constructor(
    private readonly archiveBytes: number,
    private readonly limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  ) {}

  get entries(): number {
    return this.#entries;
  }

  get unpackedBytes(): number {
    return this.#bytes;
  }

  admit(entry: ArchiveEntry): Result<void, BundleError> {
    this.#entries += 1;
    this.#bytes += entry.size;
    const { maxEntries, maxUnpackedBytes, maxCompressionRatio } = this.limits;
    const where = `(reached at entry ${quoteEntryName(entry.path)})`;
    if (this.#entries > maxEntries) return limitExceeded(`bundle has more than ${maxEntries} entries`);
    if (this.#bytes > maxUnpackedBytes) return limitExceeded(`bundle unpacks to more than ${maxUnpackedBytes} bytes ${where}`);
    if (this.#bytes > RATIO_FLOOR_BYTES && this.#bytes > this.archiveBytes * maxCompressionRatio) {
      return limitExceeded(
        `bundle unpacks to more than ${maxCompressionRatio} times its archive's ${this.archiveBytes} bytes ${where}`,
      );
    }
    return ok(undefined);
  }
}

const limitExceeded = (message: string): Result<never, BundleError> => err({ code: 'LIMIT_EXCEEDED', message });
