/**
 * A redeploy or a rollback sends a revision the host already holds: another deployment's directory under the
 * deployment root (kept by retention) has a bundle with the same digest. That file is linked (copied across file
 * systems) into place, so the download finds a verified bundle and transfers nothing.
 */
import { copyFile, link, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deploymentDirsAt } from '../layout.js';
import { sha256OfFile } from './digest.js';

/**
 * Puts a held copy of the bundle at `destFile` and answers where it came from, or undefined when the host holds
 * none (or `destFile` exists already). Candidates are matched by size first, then by digest, so only a likely
 * copy is hashed; the download verifies the result again before anything is unpacked.
 */
export async function reuseCachedBundle(
  deploymentRoot: string,
  revision: { readonly sha256: string; readonly size: number },
  destFile: string,
): Promise<string | undefined> {
  if ((await sizeOf(destFile)) !== undefined) return undefined;
  for (const candidate of await bundleFiles(deploymentRoot)) {
    if (candidate === destFile || (await sizeOf(candidate)) !== revision.size) continue;
    if ((await sha256OfFile(candidate)) !== revision.sha256) continue;
    try {
      await link(candidate, destFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw new Error(`cannot link ${candidate} to ${destFile}`, { cause: error });
      await copyFile(candidate, destFile).catch(async (cause: unknown) => {
        await rm(destFile, { force: true });
        throw new Error(`cannot copy ${candidate} to ${destFile}`, { cause });
      });
    }
    return candidate;
  }
  return undefined;
}

/** `<root>/<group>/<deployment>/bundle` for every deployment directory there is. */
async function bundleFiles(deploymentRoot: string): Promise<string[]> {
  const files: string[] = [];
  for (const group of await listDirs(deploymentRoot)) {
    for (const deployment of await listDirs(join(deploymentRoot, group))) files.push(deploymentDirsAt(join(deploymentRoot, group, deployment)).bundleFile);
  }
  return files;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot list ${dir}`, { cause: error });
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot inspect ${path}`, { cause: error });
  }
}
