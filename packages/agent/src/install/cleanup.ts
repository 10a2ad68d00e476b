import { readFile, rmdir, unlink } from 'node:fs/promises';
import { parseCleanupList } from './cleanup-list.js';
import { hasErrorCode, lstatIfExists } from './fs-probe.js';

/**
 * Undoes a previous install from its cleanup list (one absolute path per line, in creation order).
 *
 * Contract: entries are removed newest first, so a directory's contents go before the directory. Files and
 * symlinks are removed (a symlink itself, never its target); a directory is removed only when empty, so
 * anything that scripts or people put inside it survives, and so does the directory. Missing entries are
 * ignored, which makes a rerun after a crash safe. The list itself is deleted last; no list, nothing to do.
 */
export async function runCleanup(cleanupFile: string): Promise<void> {
  const contents = await readIfExists(cleanupFile);
  if (contents === undefined) return;
  for (const entry of parseCleanupList(contents).reverse()) await removeEntry(entry);
  await unlink(cleanupFile);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw new Error(`cannot read the cleanup list ${file}`, { cause: error });
  }
}

async function removeEntry(entry: string): Promise<void> {
  const stats = await lstatIfExists(entry);
  if (stats === undefined) return;
  try {
    if (stats.isDirectory()) await rmdir(entry);
    else await unlink(entry);
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT', 'ENOTEMPTY', 'EEXIST')) return;
    throw new Error(`cannot remove ${entry} left by the previous install`, { cause: error });
  }
}
