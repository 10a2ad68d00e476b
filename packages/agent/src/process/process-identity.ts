/**
 * Which process a pid named, in a form that survives the agent: the pid alone is not enough, since after a
 * restart (or a reboot) the same number may belong to another process. The boot id and the process's start time
 * (in clock ticks since boot, from /proc) together name one process for good.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const ProcessIdentity = z.object({ pid: z.number().int().positive(), bootId: z.string(), startTicks: z.string() });
export type ProcessIdentity = z.infer<typeof ProcessIdentity>;

/** The identity of a running process, or undefined when it is gone (or /proc is not there). */
export function identifyProcess(pid: number): ProcessIdentity | undefined {
  const startTicks = startTicksOf(pid);
  const bootId = readBootId();
  return startTicks === undefined || bootId === undefined ? undefined : { pid, bootId, startTicks };
}

/** Whether `identity` still names a running process: same boot, same pid, same start time. */
export function isSameProcess(identity: ProcessIdentity): boolean {
  return readBootId() === identity.bootId && startTicksOf(identity.pid) === identity.startTicks;
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses, so count from the last ')'. */
function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
