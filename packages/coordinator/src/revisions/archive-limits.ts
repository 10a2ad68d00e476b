export interface ArchiveLimits {
  readonly maxEntries: number;
  readonly maxUnpackedBytes: number;
}

/** The agent's own defaults: a bundle the coordinator accepts is not refused by a default agent for its size. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({ maxEntries: 100_000, maxUnpackedBytes: 4 * 1024 ** 3 });
