/**
 * When the upkeep runs next. node-cron is the authority on the expression, but it is not loaded in the daemon:
 * its time-zone handling touches Intl data worth about 14 MB of RSS, which an idle agent should not carry for a
 * daily job. `nextRunAfter` runs in a short-lived `baton-agent upkeep --next-run` process that
 * `nextRunInChild` starts, once after each round.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { err, ok, type Result } from '@baton/shared/result';
import { agentCommand } from '../agent-form.js';

export async function nextRunAfter(schedule: string): Promise<Result<Date, string>> {
  const cron = await import('node-cron');
  const checked = cron.validateDetailed(schedule);
  if (!checked.valid) {
    return err(`invalid upkeep-schedule "${schedule}": ${checked.errors.map((error) => error.message).join('; ')}`);
  }
  // A task that is created but never started: only its calendar is used.
  const task = cron.createTask(schedule, () => undefined);
  try {
    const [next] = task.getNextRuns(1);
    return next === undefined ? err(`upkeep-schedule "${schedule}" never runs`) : ok(next);
  } finally {
    await task.destroy();
  }
}

export async function nextRunInChild(schedule: string): Promise<Result<Date, string>> {
  try {
    const [command, ...args] = agentCommand();
    const { stdout } = await promisify(execFile)(command, [...args, 'upkeep', '--next-run', schedule], { timeout: 30_000 });
    const next = new Date(stdout.trim());
    return Number.isNaN(next.getTime()) ? err(`unexpected next-run answer: ${stdout.trim()}`) : ok(next);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return err(stderr || (error as Error).message);
  }
}
