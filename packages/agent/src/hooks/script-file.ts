import { constants } from 'node:fs';
import { access, chmod, stat } from 'node:fs/promises';
import { err, ok, type Result } from '@baton/shared';
import { errnoCode } from './errno.js';
import { scriptMissing, scriptNotExecutable, type ScriptFailure } from './script-failure.js';

/** Execute permission for owner, group and others, what the reference's `chmod +x` adds. */
const EXECUTE_BITS = 0o111;

/**
 * Checks that the script at `path` exists and can be executed, adding the execute bits when they are missing
 * (bundles built on Windows or by tools that drop modes are common). `madeExecutable` says whether it had to.
 * A script can stay unexecutable even after chmod, e.g. on a `noexec` mount, or when chmod itself is refused
 * (an immutable file, a read-only filesystem).
 */
export async function prepareScript(
  path: string,
  location: string,
): Promise<Result<{ madeExecutable: boolean }, ScriptFailure>> {
  let mode: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) return err(scriptNotExecutable(location, 'it is not a regular file'));
    mode = stats.mode;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return err(scriptMissing(path));
    throw new Error(`cannot inspect script ${path}`, { cause: error });
  }
  if (await isExecutable(path)) return ok({ madeExecutable: false });

  try {
    await chmod(path, mode | EXECUTE_BITS);
  } catch (error) {
    return err(scriptNotExecutable(location, `chmod +x failed (${errnoCode(error) ?? String(error)})`));
  }
  if (await isExecutable(path)) return ok({ madeExecutable: true });
  return err(scriptNotExecutable(location, 'still not executable after chmod +x (is it on a noexec mount?)'));
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
