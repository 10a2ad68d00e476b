/**
 * One run of one health check. A failing check is an expected outcome, returned as an error message for
 * people; the probe never throws.
 */
import { spawn } from 'node:child_process';
import type { WatchHealth } from '@baton/shared/protocol';
import { err, ok, type Result } from '@baton/shared/result';
import { signalProcessGroup } from '../hooks/process-group.js';
import { sendHttpRequest } from '../http-request.js';

export type HealthCheck = WatchHealth['checks'][number];

/** How much of a failing command's stderr the message keeps. */
const STDERR_TAIL_CHARS = 200;
const STDERR_GRACE_MS = 200;

export function probe(check: HealthCheck): Promise<Result<void, string>> {
  return check.type === 'http' ? probeHttp(check) : probeCommand(check);
}

async function probeHttp(check: Extract<HealthCheck, { type: 'http' }>): Promise<Result<void, string>> {
  try {
    const response = await sendHttpRequest(check.url, { signal: AbortSignal.timeout(check.timeout) });
    response.resume();
    return response.statusCode === check.expectStatus
      ? ok(undefined)
      : err(`GET ${check.url} answered ${response.statusCode}, expected ${check.expectStatus}`);
  } catch (error) {
    const reason = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      ? `no answer within ${check.timeout} ms`
      : (error as Error).message;
    return err(`GET ${check.url} failed: ${reason}`);
  }
}

/**
 * Runs the command with `sh -c` in its own process group (stdin closed, stdout discarded); exit 0 is healthy.
 * At the timeout the whole group is killed, so a hanging check leaves nothing behind. The verdict waits for
 * the end of stderr (its tail goes into the message), but at most STDERR_GRACE_MS after the exit: a background
 * process the check started may hold stderr open for as long as it lives.
 */
function probeCommand(check: Extract<HealthCheck, { type: 'command' }>): Promise<Result<void, string>> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', check.command], { detached: true, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    let grace: NodeJS.Timeout | undefined;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
    }, check.timeout);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(err(`\`${check.command}\` could not start: ${error.message}`));
    });
    child.once('exit', () => {
      clearTimeout(timer);
      grace = setTimeout(() => child.stderr.destroy(), STDERR_GRACE_MS);
    });
    child.once('close', (code, signal) => {
      clearTimeout(grace);
      if (timedOut) return resolve(err(`\`${check.command}\` did not finish within ${check.timeout} ms`));
      if (code === 0) return resolve(ok(undefined));
      const detail = stderr.trim() === '' ? '' : `: ${stderr.trim()}`;
      resolve(err(`\`${check.command}\` ${signal ? `was killed by ${signal}` : `exited with ${code}`}${detail}`));
    });
  });
}
