/**
 * The bundle of a local deployment: a directory or an archive on this host, given by the operator. An archive is
 * unpacked with the same safety checks as a downloaded one; a directory is copied as it is (symlinks stay links),
 * the way `codedeploy-local` takes a directory bundle.
 */
import { cp, rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { err, ok, type BundleType, type Result } from '@baton/shared';
import type { BundleSource } from '../executor/bundle-source.js';

export type LocalBundleType = BundleType | 'directory';
export const LOCAL_BUNDLE_TYPES = ['tar', 'tgz', 'zip', 'directory'] as const satisfies readonly LocalBundleType[];

/**
 * Pure: the explicit `--bundle-type` when given (it must agree with what the path is), else the kind of path and
 * its file name (`.tar`, `.tgz`, `.tar.gz`, `.zip`).
 */
export function chooseLocalBundleType(
  path: string,
  isDirectory: boolean,
  explicit: string | undefined,
): Result<LocalBundleType, string> {
  if (explicit !== undefined) {
    if (!(LOCAL_BUNDLE_TYPES as readonly string[]).includes(explicit)) {
      return err(`--bundle-type: expected one of ${LOCAL_BUNDLE_TYPES.join(', ')}, not "${explicit}"`);
    }
    if ((explicit === 'directory') !== isDirectory) {
      return err(`--bundle-type ${explicit}: ${path} is ${isDirectory ? 'a directory' : 'not a directory'}`);
    }
    return ok(explicit as LocalBundleType);
  }
  if (isDirectory) return ok('directory');
  const name = path.toLowerCase();
  if (name.endsWith('.tar.gz') || extname(name) === '.tgz') return ok('tgz');
  if (extname(name) === '.tar') return ok('tar');
  if (extname(name) === '.zip') return ok('zip');
  return err(`cannot tell the bundle type of ${path} from its name: pass --bundle-type tar|tgz|zip`);
}

export function localBundleSource(path: string, type: LocalBundleType): BundleSource {
  return {
    async unpack({ archiveDir }) {
      if (type === 'directory') {
        await copyDirectory(path, archiveDir);
        return ok(`copied the directory ${path}`);
      }
      const { extractBundle } = await import('../bundle/extract.js');
      const extracted = await extractBundle(path, type, archiveDir);
      if (!extracted.ok) return err(`${path}: ${extracted.error.message}`);
      return ok(`unpacked ${path} (${extracted.value.entries} entries)`);
    },
  };
}

/** Replaces `destDir` with a copy of `sourceDir`, built beside it so a failed copy leaves no half archive. */
async function copyDirectory(sourceDir: string, destDir: string): Promise<void> {
  const staging = `${destDir}.partial`;
  await rm(destDir, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
  try {
    await cp(sourceDir, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await rename(staging, destDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
