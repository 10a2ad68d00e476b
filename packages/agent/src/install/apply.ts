import { constants } from 'node:fs';
import { chmod, copyFile, lstat, lutimes, mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { assertNever } from '@baton/shared';
import { CleanupListWriter } from './cleanup-list.js';
import type { InstallPlan, InstallStep } from './plan.js';

/**
 * Executes an install plan in order, starting a fresh cleanup list at `cleanupFile`.
 *
 * Contract: each target is appended to the list *before* it is created, so an install that dies at any
 * point leaves nothing unrecorded (cleanup ignores entries that never came to exist). Copies keep the
 * source's mode and timestamps; symlinks are recreated as symlinks with the same target. A failure is an
 * infrastructure fault (disk full, permission denied) and throws; the list written so far stays valid.
 * Returns the created paths in creation order.
 */
export async function applyInstallPlan(plan: InstallPlan, cleanupFile: string): Promise<{ created: string[] }> {
  const list = await CleanupListWriter.create(cleanupFile);
  const created: string[] = [];
  try {
    for (const step of plan.steps) {
      await list.append(step.target);
      await executeStep(step).catch((error: unknown) => {
        throw new Error(`installing ${step.target} failed`, { cause: error });
      });
      created.push(step.target);
    }
  } finally {
    await list.close();
  }
  return { created };
}

async function executeStep(step: InstallStep): Promise<void> {
  switch (step.kind) {
    case 'mkdir':
      await mkdir(step.target);
      // mkdir's mode is filtered by the umask; the bundle's mode is meant verbatim.
      if (step.mode !== undefined) await chmod(step.target, step.mode);
      return;
    case 'copy-file': {
      if (step.replace) await rm(step.target, { force: true });
      // copyFile carries the mode over; a new inode (not a rewrite in place) keeps running binaries intact.
      await copyFile(step.source, step.target, constants.COPYFILE_EXCL);
      await copyTimestamps(step.source, step.target);
      return;
    }
    case 'copy-symlink': {
      if (step.replace) await rm(step.target, { force: true });
      await symlink(await readlink(step.source), step.target);
      await copyTimestamps(step.source, step.target);
      return;
    }
    default:
      assertNever(step, 'install step');
  }
}

/** lutimes sets a symlink's own times and behaves as utimes for anything else. */
async function copyTimestamps(source: string, target: string): Promise<void> {
  const stats = await lstat(source);
  await lutimes(target, stats.atime, stats.mtime);
}
