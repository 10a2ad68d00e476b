import { err, ok, type Result } from '@baton/shared';
import type { ArchiveEntry } from './archive-entry.js';
import { quoteName, type BundleError } from './bundle-error.js';

export interface ExtractLimits {
  readonly maxEntries: number;
  readonly maxUnpackedBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = Object.freeze({
  maxEntries: 100_000,
  maxUnpackedBytes: 4 * 1024 ** 3,
});

/**
 * Counts entries and unpacked bytes as a reader lists an archive, so that a bomb is refused while it is being
 * listed, before it is decompressed to the end and before anything is written.
 */
export class EntryBudget {
  #entries = 0;
  #bytes = 0;

  constructor(private readonly limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS) {}

  admit(entry: ArchiveEntry): Result<void, BundleError> {
    this.#entries += 1;
    this.#bytes += entry.size;
    if (this.#entries > this.limits.maxEntries) {
      return err({ code: 'LIMIT_EXCEEDED', message: `bundle has more than ${this.limits.maxEntries} entries` });
    }
    if (this.#bytes > this.limits.maxUnpackedBytes) {
      return err({
        code: 'LIMIT_EXCEEDED',
        message:
          `bundle unpacks to more than ${this.limits.maxUnpackedBytes} bytes ` +
          `(reached at entry ${quoteName(entry.path)})`,
      });
    }
    return ok(undefined);
  }
}
