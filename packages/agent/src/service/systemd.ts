/**
 * The little of systemd the installer needs: whether it is running (the test `sd_booted()` uses), the systemctl
 * calls for a change of the unit, and running them. Planning is pure; `runSystemctl` is the only I/O.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { err, ok, type Result } from '@baton/shared/result';
import { SERVICE_NAME } from './unit-file.js';

export const isSystemdRunning = (): boolean => existsSync('/run/systemd/system');

/**
 * After install: a new or changed unit needs a reload; `restart` (the unit, the configuration or the agent's version
 * changed, and no lifecycle event is running) also starts a stopped service. Otherwise enabling with --now is a
 * no-op for a running agent, so a re-run does not interrupt a deployment.
 */
export function planStart({ changed, restart }: { readonly changed: boolean; readonly restart: boolean }): string[][] {
  return [
    ...(changed ? [['daemon-reload']] : []),
    ...(restart ? [['enable', SERVICE_NAME], ['restart', SERVICE_NAME]] : [['enable', '--now', SERVICE_NAME]]),
  ];
}

export const STOP_COMMANDS: readonly string[][] = [['disable', '--now', SERVICE_NAME]];
export const RELOAD_COMMANDS: readonly string[][] = [['daemon-reload']];

export const formatSystemctl = (args: readonly string[]): string => `systemctl ${args.join(' ')}`;

/** Runs each command in order; the first failure stops and says which command failed and why. */
export async function runSystemctl(commands: readonly (readonly string[])[]): Promise<Result<void, string>> {
  const run = promisify(execFile);
  for (const args of commands) {
    try {
      await run('systemctl', [...args], { timeout: 120_000 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      return err(`${formatSystemctl(args)} failed: ${stderr || (error as Error).message}`);
    }
  }
  return ok(undefined);
}
