/**
 * The new agent's side of the fallback: at start, an upgrade to this version that is still unconfirmed gets
 * `deadlineMs` to connect. A hello confirms it (the marker goes); otherwise `current` goes back to the previous
 * version and `onReverted` asks for a restart into it. A stale marker found at start is reverted at once.
 */
import { confirmUpgrade, readUpgradeMarker, revertStaleUpgrade, type UpgradeMarker } from './upgrade-marker.js';

/** How long a freshly upgraded agent has to connect before its installation falls back. */
export const UPGRADE_CONFIRM_DEADLINE_MS = 120_000;

export interface PendingUpgradeWatch {
  /** Call after each successful hello; idempotent. */
  confirm(): Promise<void>;
  stop(): void;
}

export interface PendingUpgradeOptions {
  readonly prefix: string;
  readonly agentVersion: string;
  readonly deadlineMs: number;
  readonly onReverted: (marker: UpgradeMarker) => void;
  readonly onError: (error: unknown) => void;
}

export function watchPendingUpgrade({ prefix, agentVersion, deadlineMs, onReverted, onError }: PendingUpgradeOptions): PendingUpgradeWatch {
  const marker = readUpgradeMarker(prefix);
  if (marker === undefined || marker.to !== agentVersion) return { confirm: async () => {}, stop: () => {} };
  let settled = false;
  const revert = (): void => {
    if (settled) return;
    settled = true;
    revertStaleUpgrade(prefix, new Date(), 0).then((reverted) => reverted && onReverted(reverted), onError);
  };
  const remainingMs = Math.max(0, Date.parse(marker.at) + deadlineMs - Date.now());
  const timer = setTimeout(revert, remainingMs);
  return {
    async confirm() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      await confirmUpgrade(prefix);
    },
    stop: () => clearTimeout(timer),
  };
}
