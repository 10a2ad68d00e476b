/**
 * Plans the copies of the appspec `files` section without writing anything, so that a DISALLOW conflict
 * fails the Install step before the host is touched.
 *
 * A file source lands at `destination/<basename>`; a directory source copies its contents recursively into
 * `destination` (`source: /` is the whole bundle root). Directories that already exist, or are reached
 * through a symlink, are merged: neither created nor recorded. An existing file target fails under DISALLOW,
 * is replaced under OVERWRITE and is skipped (never recorded) under RETAIN. A symlink in the bundle, even to
 * a directory, is copied as a symlink.
 */
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertNever, err, ok, type FileExistsBehavior, type FileMapping, type Result } from '@baton/shared';
import { hasErrorCode, lstatIfExists } from './fs-probe.js';
import { resolveUnder } from './rebase.js';

export type InstallStep =
  /** `mode` is that of the bundle directory mirrored; absent for missing ancestors of a destination. */
  | { readonly kind: 'mkdir'; readonly target: string; readonly mode?: number }
  /** `replace`: the target exists and OVERWRITE asked for it to be replaced. */
  | { readonly kind: 'copy-file'; readonly source: string; readonly target: string; readonly replace: boolean }
  | { readonly kind: 'copy-symlink'; readonly source: string; readonly target: string; readonly replace: boolean };

/** Steps in execution order: every directory step precedes the steps inside it. */
export interface InstallPlan {
  readonly steps: readonly InstallStep[];
}

export interface PlanInstallInput {
  readonly bundleRoot: string;
  readonly files: readonly FileMapping[];
  readonly fileExistsBehavior: FileExistsBehavior;
  /** Development-only: every destination is rebased under this directory. */
  readonly filesRoot?: string;
}

type Planned = Result<void, string>;
const planned: Planned = ok(undefined);

export async function planInstall(input: PlanInstallInput): Promise<Result<InstallPlan, string>> {
  const planner = new InstallPlanner(input.fileExistsBehavior);
  for (const file of input.files) {
    const result = await planner.planFile(
      resolveUnder(input.bundleRoot, file.source),
      file.source,
      resolveUnder(input.filesRoot, file.destination),
    );
    if (!result.ok) return result;
  }
  return ok({ steps: planner.steps });
}

/** Accumulates steps and remembers planned targets, so later entries see what earlier ones will create. */
class InstallPlanner {
  readonly steps: InstallStep[] = [];
  private readonly plannedDirectories = new Set<string>();
  /** target → bundle source, to name both sources when two entries claim one target. */
  private readonly plannedCopies = new Map<string, string>();

  constructor(private readonly fileExistsBehavior: FileExistsBehavior) {}

  async planFile(source: string, sourceName: string, destination: string): Promise<Planned> {
    const stats = await lstatIfExists(source);
    if (stats === undefined) {
      return err(`the appspec files section names the source "${sourceName}", which does not exist in the bundle`);
    }
    if (stats.isDirectory()) return this.planDirectoryContents(source, stats, destination);
    return this.planCopy(source, stats, path.join(destination, path.basename(source)));
  }

  private async planDirectoryContents(source: string, stats: Stats, target: string): Promise<Planned> {
    const directory = await this.planDirectory(target, stats.mode & 0o7777);
    if (!directory.ok) return directory;
    const names = (await readdir(source)).sort();
    for (const name of names) {
      const entrySource = path.join(source, name);
      const entryStats = await lstatIfExists(entrySource);
      if (entryStats === undefined) continue;
      const entryTarget = path.join(target, name);
      const result = entryStats.isDirectory()
        ? await this.planDirectoryContents(entrySource, entryStats, entryTarget)
        : await this.planCopy(entrySource, entryStats, entryTarget);
      if (!result.ok) return result;
    }
    return planned;
  }

  /** Plans `target` and its missing ancestors, outermost first; existing directories are merged. */
  private async planDirectory(target: string, mode?: number): Promise<Planned> {
    if (this.plannedDirectories.has(target)) return planned;
    const claimedBy = this.plannedCopies.get(target);
    if (claimedBy !== undefined) {
      return err(`the appspec installs the file ${claimedBy} at ${target}, where it also needs a directory`);
    }
    const existing = await statIfExists(target);
    if (existing?.isDirectory()) return planned;
    if (existing !== undefined) return err(`cannot install into ${target}: it exists and is not a directory`);
    const unrecordable = checkRecordable(target);
    if (!unrecordable.ok) return unrecordable;

    const parent = path.dirname(target);
    if (parent !== target) {
      const ancestors = await this.planDirectory(parent);
      if (!ancestors.ok) return ancestors;
    }
    this.plannedDirectories.add(target);
    this.steps.push(mode === undefined ? { kind: 'mkdir', target } : { kind: 'mkdir', target, mode });
    return planned;
  }

  private async planCopy(source: string, stats: Stats, target: string): Promise<Planned> {
    const parent = await this.planDirectory(path.dirname(target));
    if (!parent.ok) return parent;
    const claimedBy = this.plannedCopies.get(target);
    if (claimedBy !== undefined) {
      return err(`the appspec installs both ${claimedBy} and ${source} at ${target}; remove one of them`);
    }
    if (this.plannedDirectories.has(target)) {
      return err(`the appspec installs the file ${source} at ${target}, where it also creates a directory`);
    }
    const unrecordable = checkRecordable(target);
    if (!unrecordable.ok) return unrecordable;

    const existing = await lstatIfExists(target);
    const replace = existing !== undefined;
    if (existing !== undefined) {
      switch (this.fileExistsBehavior) {
        case 'DISALLOW':
          return err(
            `The deployment failed because a specified file already exists at this location: ${target}. ` +
              'A previous deployment by another deployment group, or files placed there by hand, can cause ' +
              'this: remove the file, or set file_exists_behavior to OVERWRITE or RETAIN.',
          );
        case 'RETAIN':
          return planned;
        case 'OVERWRITE':
          if (existing.isDirectory()) return err(`cannot overwrite the directory ${target} with the file ${source}`);
          break;
        default:
          return assertNever(this.fileExistsBehavior, 'file exists behavior');
      }
    }
    this.plannedCopies.set(target, source);
    const kind = stats.isSymbolicLink() ? 'copy-symlink' : 'copy-file';
    this.steps.push({ kind, source, target, replace });
    return planned;
  }
}

/** The cleanup list holds one path per line, so a path with a newline could never be cleaned up. */
function checkRecordable(target: string): Planned {
  return target.includes('\n') ? err(`cannot install ${JSON.stringify(target)}: its name contains a newline`) : planned;
}

/** Follows symlinks: a destination directory reached through a symlink (/srv/app -> /srv/app-v2) is merged. */
async function statIfExists(target: string): Promise<Stats | undefined> {
  try {
    return await stat(target);
  } catch (error) {
    // An ancestor that is a file: the check of the parent reports it.
    if (hasErrorCode(error, 'ENOTDIR')) return undefined;
    // Missing, or a dangling symlink (which exists and is not a directory).
    if (hasErrorCode(error, 'ENOENT')) return await lstatIfExists(target);
    throw new Error(`cannot inspect ${target}`, { cause: error });
  }
}
