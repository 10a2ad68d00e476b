/**
 * One round of upkeep (scheduled by upkeep-scheduler.ts, or `baton-agent upkeep`): retention of old revisions
 * in every group (DownloadBundle prunes only the group it deploys, so a group that stopped deploying would keep
 * its revisions forever), of rotated agent logs past their age, and the self-check.
 *
 * Contract: never runs beside a lifecycle event; the daemon runs it through its serial command queue. The last
 * successful and the most recent install of each group are never removed.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AgentConfig } from '../config.js';
import { runSelfCheck, type SelfCheck } from './self-check.js';

export interface UpkeepReport {
  readonly at: string;
  readonly prunedRevisions: readonly string[];
  readonly removedLogs: readonly string[];
  readonly selfCheck: SelfCheck;
}

/** Rotated agent logs older than this are removed even when fewer than the rotation keeps exist. */
export const LOG_MAX_AGE_MS = 30 * 86_400_000;

export async function runUpkeep(config: Pick<AgentConfig, 'layout' | 'maxRevisions'>, now: Date): Promise<UpkeepReport> {
  const [{ pruneOldRevisions }, records] = await Promise.all([import('../bundle/retention.js'), import('../install/install-records.js')]);
  const { deploymentRoot } = config.layout;
  const prunedRevisions: string[] = [];
  for (const groupId of await listGroups(deploymentRoot)) {
    const protect = await Promise.all([
      records.readInstallRecord(deploymentRoot, groupId, 'last_successful_install'),
      records.readInstallRecord(deploymentRoot, groupId, 'most_recent_install'),
    ]);
    prunedRevisions.push(
      ...(await pruneOldRevisions({
        groupDir: join(deploymentRoot, groupId),
        keep: config.maxRevisions,
        protect: protect.filter((path) => path !== undefined),
      })),
    );
  }
  return {
    at: now.toISOString(),
    prunedRevisions,
    removedLogs: await removeOldRotatedLogs(config.layout.logFile, now),
    selfCheck: await runSelfCheck(config.layout),
  };
}

async function listGroups(deploymentRoot: string): Promise<string[]> {
  const entries = await readdir(deploymentRoot, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory() && entry.name !== 'deployment-instructions').map((entry) => entry.name);
}

/** `agent.log.N` files last written before LOG_MAX_AGE_MS ago; the current agent.log is never removed. */
async function removeOldRotatedLogs(logFile: string, now: Date): Promise<string[]> {
  const dir = dirname(logFile);
  const rotated = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name.slice(basename(logFile).length + 1)) && name.startsWith(`${basename(logFile)}.`));
  const removed: string[] = [];
  for (const name of rotated) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && now.getTime() - info.mtimeMs > LOG_MAX_AGE_MS) {
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}
