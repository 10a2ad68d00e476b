import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '@baton/shared';

/** Lock files this process holds: a lock naming our own pid is stale unless it is one of these. */
const heldHere = new Set<string>();

/** Holding the data directory: release it when the coordinator stops. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Makes sure one coordinator at a time uses a data directory: two would both resume the same deployments and
 * send every host its commands twice. The lock is `coordinator.pid` holding the owner's process id, created
 * atomically (a hard link of a finished temporary file, which fails when the name exists). A file left by a
 * process that no longer exists (a crash, `kill -9`) is stale and taken over, as PostgreSQL does with
 * `postmaster.pid`; so is one naming this very process but not held by it (a container restarted with the
 * same pid).
 */
export function lockDataDir(dataDir: string, pid: number = process.pid): Result<DataDirLock, string> {
  const path = join(dataDir, 'coordinator.pid');
  const staged = `${path}.${pid}`;
  writeFileSync(staged, `${pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (link(staged, path)) {
        heldHere.add(path);
        return ok({ path, release: () => releaseLock(path, pid) });
      }
      const owner = readOwner(path);
      const held = owner === pid ? heldHere.has(path) : owner !== undefined && isRunning(owner);
      if (held) {
        return err(`the data directory ${dataDir} is in use by coordinator process ${owner}; stop it first (or remove ${path} if that process is not a Baton coordinator)`);
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
    return err(`cannot lock the data directory ${dataDir}: another coordinator is starting at the same time`);
  } finally {
    rmSync(staged, { force: true });
  }
}

function link(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot create the lock file ${to}`, { cause: error });
  }
}

/** The pid in a lock file, or undefined when it is unreadable or vanished meanwhile. */
function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still holds the lock.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock only while it is still ours. */
function releaseLock(path: string, pid: number): void {
  heldHere.delete(path);
  if (readOwner(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot remove the lock file ${path}`, { cause: error });
  }
}
