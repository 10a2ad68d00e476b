/**
 * The per-group files under `<deployment-root>/deployment-instructions/`, named as the reference agent names
 * them: `<group-id>-cleanup` (the cleanup list), and `<group-id>_last_successful_install` and
 * `<group-id>_most_recent_install`, each holding the absolute path of a `<group-id>/<deployment-id>` directory.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { hasErrorCode } from './fs-probe.js';

export type InstallRecord = 'last_successful_install' | 'most_recent_install';

function instructionsDirectory(deploymentRoot: string): string {
  return path.join(deploymentRoot, 'deployment-instructions');
}

export function cleanupListPath(deploymentRoot: string, groupId: string): string {
  return path.join(instructionsDirectory(deploymentRoot), `${fileNameSafe(groupId)}-cleanup`);
}

export function installRecordPath(deploymentRoot: string, groupId: string, record: InstallRecord): string {
  return path.join(instructionsDirectory(deploymentRoot), `${fileNameSafe(groupId)}_${record}`);
}

/** The deployment directory the record names; undefined when the group has no such install yet. */
export async function readInstallRecord(
  deploymentRoot: string,
  groupId: string,
  record: InstallRecord,
): Promise<string | undefined> {
  const file = installRecordPath(deploymentRoot, groupId, record);
  try {
    const deploymentDir = (await readFile(file, 'utf8')).trim();
    return deploymentDir === '' ? undefined : deploymentDir;
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw new Error(`cannot read ${file}`, { cause: error });
  }
}

/** Atomic: readers see the old record or the new one, never a torn one, even across a power loss. */
export async function writeInstallRecord(
  deploymentRoot: string,
  groupId: string,
  record: InstallRecord,
  deploymentDir: string,
): Promise<void> {
  const file = installRecordPath(deploymentRoot, groupId, record);
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(deploymentDir);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    throw new Error(`cannot record the ${record.replaceAll('_', ' ')} of group ${groupId}`, { cause: error });
  }
}

/** Group ids come from the coordinator; one that is not a plain file name is a bug, not a user error. */
function fileNameSafe(groupId: string): string {
  if (groupId === '' || groupId === '.' || groupId === '..' || /[/\0\n]/.test(groupId)) {
    throw new Error(`a deployment group id must be usable as a file name: ${JSON.stringify(groupId)}`);
  }
  return groupId;
}
