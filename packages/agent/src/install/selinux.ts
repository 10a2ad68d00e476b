import { access } from 'node:fs/promises';
import { runCommand } from '../process/run-command.js';
import { err, ok, type Result, type SeLinuxContext } from '@baton/shared';

/** SELinux counts as present only when the kernel exposes it and `selinuxenabled` agrees. */
export async function isSelinuxEnabled(): Promise<boolean> {
  try {
    await access('/sys/fs/selinux/enforce');
  } catch {
    return false;
  }
  const result = await runCommand('selinuxenabled', []);
  return result.exitCode === 0;
}

/**
 * Labels `target` with `chcon`. Unlike the reference agent (which adds a persistent `semanage fcontext`
 * rule), the label lives on the file only, so removing the file during cleanup leaves no policy behind;
 * a full filesystem relabel resets it.
 */
export async function setSelinuxContext(target: string, context: SeLinuxContext): Promise<Result<void, string>> {
  const args = [
    ...['--type', context.type],
    ...(context.user === undefined ? [] : ['--user', context.user]),
    ...(context.range === undefined ? [] : ['--range', context.range]),
  ];
  const result = await runCommand('chcon', [...args, '--', target]);
  if (result.exitCode === 0) return ok(undefined);
  return err(`setting the SELinux context of ${target} failed: ${result.stderr || result.problem}`);
}
