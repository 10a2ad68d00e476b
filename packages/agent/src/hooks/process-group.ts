import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode } from './errno.js';

/**
 * Signals and liveness of a script's process group. A hook script leads its own group (it is spawned detached),
 * so everything it starts without calling setsid can be stopped together, as the reference agent does.
 */

const POLL_MS = 50;
/** How long SIGKILL may take to land before we stop waiting (it cannot be caught, so this is only delivery). */
const KILL_SETTLE_MS = 2000;

/** Sends `signal` to every process of the group; false when no process of the group exists any more. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
    // EPERM: members exist but run as another user we may not signal; they are alive, we cannot help it.
    if (errnoCode(error) === 'EPERM') return true;
    throw new Error(`cannot signal process group ${pgid}`, { cause: error });
  }
}

/**
 * Whether a process of the group is still running. Zombies do not count: they hold no pipes, cannot be
 * killed, and under a PID 1 that never reaps orphans (minimal containers and VMs) they linger forever.
 */
export function isProcessGroupRunning(pgid: number): boolean {
  if (!signalProcessGroup(pgid, 0)) return false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no procfs: the signal probe is all we know
  }
  return pids.some((pid) => {
    const stat = readProcessStat(pid);
    return stat !== undefined && stat.pgid === pgid && stat.state !== 'Z';
  });
}

/**
 * SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. Resolves once no member is running
 * (or, for members we may not kill, once we have done all we can).
 */
export async function terminateProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalProcessGroup(pgid, 'SIGTERM')) return;
  if (await waitForGroupExit(pgid, graceMs)) return;
  if (!signalProcessGroup(pgid, 'SIGKILL')) return;
  await waitForGroupExit(pgid, KILL_SETTLE_MS);
}

async function waitForGroupExit(pgid: number, withinMs: number): Promise<boolean> {
  const giveUpAt = Date.now() + withinMs;
  for (;;) {
    if (!isProcessGroupRunning(pgid)) return true;
    if (Date.now() >= giveUpAt) return false;
    await sleep(POLL_MS);
  }
}

/** Fields of /proc/PID/stat after the command name, which may itself contain spaces and parentheses. */
function readProcessStat(pid: string): { state: string; pgid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited while we looked
  }
  const [state, , pgid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return state === undefined || pgid === undefined ? undefined : { state, pgid: Number(pgid) };
}
