/**
 * The agent's side of an upgrade's fallback (the launcher has the other side, see launcher.ts):
 * - a new version still unconfirmed at start has until the marker's deadline to say hello; a hello confirms
 *   the upgrade (the marker goes, and this version's launcher replaces the installed one); past the deadline the
 *   same fallback the launcher makes is made here, and `onReverted` asks for a restart into the old version;
 * - a version that an upgrade fell back to reports the failed upgrade once, after its first hello.
 */
import { rm } from 'node:fs/promises';
import type { UpgradeStatus } from '@baton/shared/protocol';
import { fallbackFile, markerFile, prepareLaunch, readJsonFile, type FallbackRecord, type UpgradeMarker } from './launcher.js';
import { installLauncher } from './versioned-install.js';

export interface PendingUpgradeWatch {
  /** Call after each successful hello; idempotent. */
  confirm(): Promise<void>;
  stop(): void;
}

export interface PendingUpgradeOptions {
  readonly prefix: string;
  readonly agentVersion: string;
  readonly deadlineMs: number;
  readonly onReverted: (record: FallbackRecord) => void;
  readonly onError: (error: unknown) => void;
  /** Where this version's launcher is copied from (tests); the built one by default. */
  readonly launcherSource?: string;
}

export function watchPendingUpgrade({ prefix, agentVersion, deadlineMs, onReverted, onError, launcherSource }: PendingUpgradeOptions): PendingUpgradeWatch {
  const marker = readJsonFile<UpgradeMarker>(markerFile(prefix));
  if (marker === undefined || marker.to !== agentVersion) return { confirm: async () => {}, stop: () => {} };
  let settled = false;
  const deadline = Date.parse(marker.at) + deadlineMs;
  const revert = (): void => {
    if (settled) return;
    settled = true;
    try {
      // No limit on starts here: this start was counted by the launcher already; only the deadline is at stake.
      // A timer may fire a little before the clock reaches the deadline: the deadline is what has come.
      const now = new Date(Math.max(Date.now(), deadline));
      const record = prepareLaunch(prefix, now, { deadlineMs, maxStarts: Number.POSITIVE_INFINITY });
      if (record) onReverted(record);
    } catch (error) {
      onError(error);
    }
  };
  const timer = setTimeout(revert, Math.max(0, deadline - Date.now()));
  return {
    async confirm() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      await rm(markerFile(prefix), { force: true });
      await installLauncher(prefix, launcherSource);
    },
    stop: () => clearTimeout(timer),
  };
}

/** The failed upgrade to report, if this version was fallen back to; `forget` once the report is sent. */
export function pendingFallbackReport(prefix: string): { readonly status: UpgradeStatus; forget(): Promise<void> } | undefined {
  const record = readJsonFile<FallbackRecord>(fallbackFile(prefix));
  if (record === undefined) return undefined;
  return {
    status: {
      type: 'upgrade-status',
      version: record.to,
      state: 'failed',
      message: `agent ${record.to} ${record.reason}; fell back to ${record.from} at ${record.at}`,
    },
    forget: () => rm(fallbackFile(prefix), { force: true }),
  };
}
