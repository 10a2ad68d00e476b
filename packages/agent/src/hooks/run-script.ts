import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { err, ok, type Result } from '@baton/shared';
import type { Invocation } from './invocation.js';
import type { OutputLog } from './output-log.js';
import { terminateProcessGroup } from './process-group.js';
import { scriptFailed, scriptInterrupted, scriptPipeHeld, scriptTimedOut, type ScriptFailure } from './script-failure.js';

export interface ScriptRun {
  readonly invocation: Invocation;
  /** The appspec location, as messages name it. */
  readonly location: string;
  readonly timeoutSeconds: number;
  readonly killGraceMs: number;
  readonly log: OutputLog;
  /** Aborted when the agent stops: the script is ended like at its deadline and fails as interrupted. */
  readonly signal?: AbortSignal;
  /** The script started with this pid (the leader of its process group). Must not throw. */
  readonly onStarted?: (pid: number) => void;
}

/**
 * Runs one hook script and waits for it under a single deadline, `timeoutSeconds` after the start.
 *
 * The script leads its own process group with stdin closed; its output is logged line by line as it arrives.
 * It is done when it has exited AND both output pipes have closed. What happens at the deadline:
 * - still running: SIGTERM to the whole group, SIGKILL after `killGraceMs` → "failed to complete in N seconds";
 * - exited, but a process it started still holds stdout/stderr: the same group kill, then the pipes are
 *   dropped (the holder may have left the group with setsid) → "failed to close STDOUT" (or STDERR).
 *   The advice for users, as for the reference agent: start background processes with all three descriptors
 *   redirected, `cmd > /dev/null 2>&1 < /dev/null &`, so that they neither hold the pipes nor read stdin.
 * A background process that did redirect them is the user's application: it is signalled only if the script
 * has not finished (exited and closed its pipes) by the deadline, never after the script finished on its own.
 * An abort of `signal` (the agent stopping) ends the group the same way, at once, as AgentRestarted.
 */
export async function runScript(run: ScriptRun): Promise<Result<void, ScriptFailure>> {
  const { invocation, location, log } = run;
  const subprocess = spawn(invocation.file, invocation.args, {
    env: { ...process.env, ...invocation.env }, // on top of the agent's environment
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // setsid: own session and process group, so the group can be killed as one
    cwd: '/', // as under the reference daemon; independent of the agent's cwd and readable by every runas user
  });
  if (subprocess.pid !== undefined) run.onStarted?.(subprocess.pid);
  // Line by line as it arrives; the log is the only copy kept, so the agent's memory does not grow with output.
  createInterface({ input: subprocess.stdout, crlfDelay: Infinity }).on('line', (line) => log.record('stdout', line));
  createInterface({ input: subprocess.stderr, crlfDelay: Infinity }).on('line', (line) => log.record('stderr', line));
  // Settles once the script has exited and both pipes have closed (or could not start at all).
  const settled = new Promise<{ code: number | null; signal: NodeJS.Signals | null; startError?: Error }>((resolve) => {
    subprocess.once('error', (startError) => {
      if (subprocess.pid === undefined) resolve({ code: null, signal: null, startError });
    });
    subprocess.once('close', (code, signal) => resolve({ code, signal }));
  });

  let exited = false;
  subprocess.once('exit', () => {
    exited = true;
  });
  const openPipes = new Set<'STDOUT' | 'STDERR'>(['STDOUT', 'STDERR']);
  subprocess.stdout.once('close', () => openPipes.delete('STDOUT'));
  subprocess.stderr.once('close', () => openPipes.delete('STDERR'));

  let expired: ScriptFailure | undefined;
  let stopping: Promise<void> | undefined;
  const end = (failure: ScriptFailure): void => {
    if (stopping !== undefined) return;
    expired = failure;
    stopping = stopAll(subprocess.pid, run.killGraceMs, () => {
      subprocess.stdout.destroy();
      subprocess.stderr.destroy();
    });
    // Awaited below once the subprocess settles; marked handled now so a failure meanwhile is not "unhandled".
    stopping.catch(() => undefined);
  };
  const deadline = setTimeout(() => {
    const heldPipe = exited ? [...openPipes][0] : undefined;
    end(heldPipe === undefined ? scriptTimedOut(location, run.timeoutSeconds) : scriptPipeHeld(location, heldPipe));
  }, run.timeoutSeconds * 1000);
  const interrupt = (): void => end(scriptInterrupted(location, invocation.userName));
  if (run.signal?.aborted) interrupt();
  else run.signal?.addEventListener('abort', interrupt, { once: true });

  const result = await settled;
  clearTimeout(deadline);
  run.signal?.removeEventListener('abort', interrupt);
  await stopping;

  if (expired !== undefined) return err(expired);
  if (result.signal !== null) {
    return err(scriptFailed(location, invocation.userName, `was killed by signal ${result.signal}`));
  }
  if (result.code === null) {
    // No exit status: exec failed although the file checks passed, e.g. its #! interpreter is not installed.
    return err(scriptFailed(location, invocation.userName, `could not start: ${result.startError?.message ?? 'unknown spawn error'}`));
  }
  if (result.code !== 0) {
    return err(scriptFailed(location, invocation.userName, `failed with exit code ${result.code}`));
  }
  return ok(undefined);
}

/**
 * Kills the script's group, then releases pipes still held by processes outside it. The pipes are released
 * even if killing fails, so that the subprocess always settles and the failure surfaces to the caller.
 */
async function stopAll(pgid: number | undefined, graceMs: number, releasePipes: () => void): Promise<void> {
  try {
    if (pgid !== undefined) await terminateProcessGroup(pgid, graceMs);
  } finally {
    releasePipes();
  }
}
