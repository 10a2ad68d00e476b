/**
 * The agent's periodic self-check: can it still do its job on this host? Each check says what it found; the
 * whole is healthy when no check failed. Warnings (a missing optional tool) do not make it unhealthy.
 */
import { execFile } from 'node:child_process';
import { rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AgentLayout } from '../layout.js';

export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'warning' | 'failed';
  readonly detail: string;
}

export interface SelfCheck {
  readonly healthy: boolean;
  readonly checks: readonly CheckResult[];
}

/** Below either, new revisions may not fit: the reference agent fails deployments on a full disk half-way. */
const MIN_FREE_BYTES = 512 * 1024 * 1024;
const MIN_FREE_SHARE = 0.05;
/** The tools that appspec features call (see docs/operations.md); without them only those features fail. */
const TOOLS = ['setpriv', 'getent', 'setfacl'] as const;

export async function runSelfCheck(layout: AgentLayout): Promise<SelfCheck> {
  const checks = [
    await checkWritable(layout.deploymentRoot),
    await checkFreeSpace(layout.deploymentRoot),
    await checkCredentials(layout.credentialsFile),
    ...(await Promise.all(TOOLS.map(checkTool))),
  ];
  return { healthy: checks.every((check) => check.status !== 'failed'), checks };
}

async function checkWritable(dir: string): Promise<CheckResult> {
  const probe = join(dir, `.self-check-${process.pid}`);
  try {
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
    return { name: 'deployment root writable', status: 'ok', detail: dir };
  } catch (error) {
    return { name: 'deployment root writable', status: 'failed', detail: `${dir}: ${(error as Error).message}` };
  }
}

async function checkFreeSpace(dir: string): Promise<CheckResult> {
  const name = 'free disk space';
  try {
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    const share = fs.blocks === 0 ? 1 : fs.bavail / fs.blocks;
    const detail = `${(free / 1048576).toFixed(0)} MB free (${(share * 100).toFixed(1)}%) under ${dir}`;
    return { name, status: free < MIN_FREE_BYTES || share < MIN_FREE_SHARE ? 'failed' : 'ok', detail };
  } catch (error) {
    return { name, status: 'failed', detail: `${dir}: ${(error as Error).message}` };
  }
}

async function checkCredentials(file: string): Promise<CheckResult> {
  const name = 'credentials';
  try {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) return { name, status: 'failed', detail: `${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it` };
    return { name, status: 'ok', detail: file };
  } catch (error) {
    return { name, status: 'failed', detail: `${file}: ${(error as Error).message}` };
  }
}

async function checkTool(tool: (typeof TOOLS)[number]): Promise<CheckResult> {
  try {
    await promisify(execFile)('sh', ['-c', `command -v ${tool}`]);
    return { name: tool, status: 'ok', detail: 'found' };
  } catch {
    return { name: tool, status: 'warning', detail: 'not installed: appspecs that need it will fail (see docs/operations.md)' };
  }
}
