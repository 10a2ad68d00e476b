/**
 * What `baton-agent status` shows, gathered from disk by another process than the agent: the agent's status.json,
 * the credentials (identity when the agent is not running), the install records (last successful revision per
 * group) and the size of the deployment root (kept revisions).
 */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentLayout } from '../layout.js';
import { isProcessAlive } from '../process/process-identity.js';
import { readAgentStatus, type AgentStatus } from './status-file.js';

export interface LastSuccessfulRevision {
  readonly groupId: string;
  readonly applicationName?: string;
  readonly groupName?: string;
  readonly deploymentId: string;
  readonly installedAt: string;
}

export interface StatusReport {
  /** Whether the process that wrote status.json is alive. */
  readonly agentRunning: boolean;
  readonly status?: AgentStatus;
  readonly hostId?: string;
  readonly coordinatorUrl?: string;
  readonly lastSuccessful: readonly LastSuccessfulRevision[];
  readonly keptRevisions: { readonly directories: number; readonly bytes: number };
}

const LAST_SUCCESSFUL_SUFFIX = '_last_successful_install';

export async function collectStatus(layout: AgentLayout): Promise<StatusReport> {
  const status = readAgentStatus(layout.statusFile);
  const agentRunning = status !== undefined && isProcessAlive(status.pid);
  const credentials = await readCredentialsIdentity(layout.credentialsFile);
  const hostId = status?.hostId ?? credentials?.hostId;
  const coordinatorUrl = status?.coordinatorUrl ?? credentials?.coordinator;
  return {
    agentRunning,
    ...(status === undefined ? {} : { status }),
    ...(hostId === undefined ? {} : { hostId }),
    ...(coordinatorUrl === undefined ? {} : { coordinatorUrl }),
    lastSuccessful: await readLastSuccessful(layout.deploymentRoot, status?.groups ?? {}),
    keptRevisions: await measureRevisions(layout.deploymentRoot),
  };
}


async function readCredentialsIdentity(file: string): Promise<{ hostId?: string; coordinator?: string } | undefined> {
  try {
    const { hostId, coordinator } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    return {
      ...(typeof hostId === 'string' ? { hostId } : {}),
      ...(typeof coordinator === 'string' ? { coordinator } : {}),
    };
  } catch {
    return undefined; // not enrolled, or not readable by this user
  }
}

async function readLastSuccessful(
  deploymentRoot: string,
  groups: AgentStatus['groups'],
): Promise<LastSuccessfulRevision[]> {
  const dir = join(deploymentRoot, 'deployment-instructions');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(LAST_SUCCESSFUL_SUFFIX));
  const revisions = await Promise.all(
    names.map(async (name): Promise<LastSuccessfulRevision | undefined> => {
      const file = join(dir, name);
      const [text, info] = await Promise.all([readFile(file, 'utf8').catch(() => ''), stat(file).catch(() => undefined)]);
      const deploymentId = text.trim().split('/').at(-1);
      if (deploymentId === undefined || deploymentId === '' || info === undefined) return undefined;
      const groupId = name.slice(0, -LAST_SUCCESSFUL_SUFFIX.length);
      return { groupId, ...groups[groupId], deploymentId, installedAt: info.mtime.toISOString() };
    }),
  );
  return revisions.filter((revision) => revision !== undefined).sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/** Revision directories are `<group-id>/<deployment-id>`; bytes are blocks on disk, like `du`. */
async function measureRevisions(deploymentRoot: string): Promise<{ directories: number; bytes: number }> {
  const groups = (await readdir(deploymentRoot, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isDirectory() && entry.name !== 'deployment-instructions')
    .map((entry) => join(deploymentRoot, entry.name));
  let directories = 0;
  let bytes = 0;
  for (const group of groups) {
    for (const revision of await readdir(group, { withFileTypes: true }).catch(() => [])) {
      if (!revision.isDirectory()) continue;
      directories += 1;
      bytes += await diskUsage(join(group, revision.name));
    }
  }
  return { directories, bytes };
}

async function diskUsage(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.blocks * 512;
  const children = await readdir(path).catch(() => [] as string[]);
  let total = info.blocks * 512;
  for (const child of children) total += await diskUsage(join(path, child));
  return total;
}
