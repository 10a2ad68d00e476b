/** The errno name (`ENOENT`, `EPERM`, ...) of a failed system call, if `error` is one. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
