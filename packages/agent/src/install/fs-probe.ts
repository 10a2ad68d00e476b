import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';

/** True when `error` is a Node system error with one of `codes` (ENOENT, ENOTEMPTY, ...). */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && 'code' in error && codes.includes(String(error.code));
}

/** lstat that reports a missing path as undefined; a symlink is described, never followed. */
export async function lstatIfExists(target: string): Promise<Stats | undefined> {
  try {
    return await lstat(target);
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw new Error(`cannot inspect ${target}`, { cause: error });
  }
}
