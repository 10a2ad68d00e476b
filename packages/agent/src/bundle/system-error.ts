import type { BundleError } from '@baton/shared';

/**
 * Tells infrastructure faults (disk full, permission denied: errors raised by a system call) apart from errors
 * about the data itself (a corrupt archive, a dropped connection), which callers report as expected failures.
 */
function isSystemCallError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** Maps an error met while reading an archive: system call faults are rethrown, anything else blames the archive. */
export function toCorruptArchiveError(error: unknown): BundleError {
  if (isSystemCallError(error) || !(error instanceof Error)) {
    throw new Error('reading or unpacking the bundle archive failed', { cause: error });
  }
  return { code: 'CORRUPT_ARCHIVE', message: `bundle archive is corrupt: ${error.message}` };
}
