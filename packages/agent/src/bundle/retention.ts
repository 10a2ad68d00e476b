import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface RevisionDir {
  readonly path: string;
  readonly mtimeMs: number;
}

/**
 * Chooses which revision directories to remove so that at most `keep` remain, oldest first, skipping protected
 * ones (which still count towards `keep`, so more than `keep` may remain when many are protected). Pure.
 * Ties in age are broken by path so the choice is stable. Returns paths oldest first.
 */
export function selectRevisionsToPrune(
  revisions: readonly RevisionDir[],
  keep: number,
  protect: readonly string[],
): string[] {
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`keep must be a whole number >= 0, got ${keep}`);
  const oldestFirst = [...revisions].sort((a, b) => a.mtimeMs - b.mtimeMs || comparePaths(a.path, b.path));
  const protectedPaths = new Set(protect);
  const prunable = oldestFirst.filter(({ path }) => !protectedPaths.has(path));
  const excess = Math.max(0, revisions.length - keep);
  return prunable.slice(0, excess).map(({ path }) => path);
}

/**
 * Removes the oldest `<deployment-id>` directories of a group beyond `keep` (reference section 5, step 1), never a
 * path in `protect` (the last successful install and the deployment being run). Returns the removed paths.
 *
 * Age is the directory's mtime. It moves only when the agent adds or removes a direct child (bundle,
 * deployment-archive/, logs/), which happens while that deployment runs, so mtime order is deployment order
 * without keeping a separate record that could drift from what is on disk. Only directories are considered.
 */
export async function pruneOldRevisions(options: {
  groupDir: string;
  keep: number;
  protect: string[];
}): Promise<string[]> {
  const groupDir = resolve(options.groupDir);
  const revisions = await listRevisionDirs(groupDir);
  const doomed = selectRevisionsToPrune(revisions, options.keep, options.protect.map((path) => resolve(path)));
  for (const path of doomed) await rm(path, { recursive: true, force: true });
  return doomed;
}

const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function listRevisionDirs(groupDir: string): Promise<RevisionDir[]> {
  let names: string[];
  try {
    names = (await readdir(groupDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    // A group this host never deployed has no directory yet: nothing to prune.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot list revisions in ${groupDir}`, { cause: error });
  }
  return Promise.all(
    names.map(async (name) => {
      const path = join(groupDir, name);
      return { path, mtimeMs: (await stat(path)).mtimeMs };
    }),
  );
}
