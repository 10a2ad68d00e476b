/**
 * A real coordinator child process (`baton server`) on 127.0.0.1 (a port the system picks) with its own data
 * dir, plus an admin API client and an enrollment token, for the benchmark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from '../../packages/coordinator/src/cli/api-client.js';
import { startProcess, type RunningProcess } from '../../test/harness/processes.js';
import { REPO_ROOT } from './paths.js';

export const BATON = join(REPO_ROOT, 'packages/coordinator/bin/baton.js');

export interface RunningCoordinator {
  readonly process: RunningProcess;
  readonly url: string;
  readonly adminToken: string;
  readonly api: ApiClient;
  readonly enrollToken: string;
}

export async function startCoordinator(dataDir: string): Promise<RunningCoordinator> {
  const child = startProcess('coordinator', process.execPath, [BATON, 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--log-level', 'warn']);
  try {
    const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/, 20_000);
    if (url === undefined) throw new Error('the coordinator printed no URL');
    const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const api = new ApiClient({ baseUrl: url, token: adminToken });
    const { token } = await api.post<{ token: string }>('/api/v1/enrollment-tokens', {});
    return { process: child, url, adminToken, api, enrollToken: token };
  } catch (error) {
    await child.kill('SIGKILL');
    throw error;
  }
}

/** The last lines the coordinator printed, to explain a failure. */
export function coordinatorOutputTail(coordinator: RunningCoordinator, lines = 20): string {
  return coordinator.process.output.trimEnd().split('\n').slice(-lines).join('\n');
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopCoordinator(coordinator: RunningCoordinator, graceMs = 5_000): Promise<void> {
  const { process: child } = coordinator;
  const force = setTimeout(() => child.child.kill('SIGKILL'), graceMs);
  await child.kill('SIGTERM');
  clearTimeout(force);
}
