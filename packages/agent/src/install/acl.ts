import { stat } from 'node:fs/promises';
import { runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '@baton/shared';

/**
 * Replaces the ACL of `target` with the appspec entries (`setfacl --set`), as the reference agent does.
 * The appspec may not name the base entries (mode sets them), but `--set` requires them, so they are taken
 * from the current mode; setfacl itself computes the mask and fills in missing default base entries.
 * A rejected entry (unknown named user, a default entry on a file) is the appspec's fault: a Result.
 */
export async function setAcl(target: string, entries: readonly string[]): Promise<Result<void, string>> {
  const spec = composeAclSpec((await stat(target)).mode, entries);
  const result = await runCommand('setfacl', ['--set', spec, '--', target]);
  if (result.exitCode === 0) return ok(undefined);
  return err(`setting the ACL ${entries.join(',')} on ${target} failed: ${result.stderr || result.problem}`);
}

export function composeAclSpec(mode: number, entries: readonly string[]): string {
  const base = [`u::${rwx(mode >> 6)}`, `g::${rwx(mode >> 3)}`, `o::${rwx(mode)}`];
  return [...base, ...entries].join(',');
}

function rwx(bits: number): string {
  return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
}
