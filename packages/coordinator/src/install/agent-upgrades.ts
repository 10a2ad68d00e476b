/**
 * Agent upgrades on the coordinator's side: an upgrade asked of a host (`POST /hosts/:id/upgrade`) is recorded
 * `waiting` and sent only once the host has no lifecycle work at all — no unanswered command, no event still to
 * run, no deployment waiting in one of its groups — so it never lands between two events of a deployment. Waiting
 * upgrades are tried again after every committed deployment change and whenever their host reconnects.
 *
 * While an upgrade is under way the runner holds the host (a short, expected absence that fails nothing). The
 * hold ends when the host says hello again (then with the new version: `upgraded`; with the old one after a
 * fallback, whose agent reports the failure), when the agent refuses or fails, or after `returnTimeoutMs`.
 */
import type { CoordinatorMessage, UpgradeStatus } from '@baton/shared';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import {
  advanceHostUpgrade,
  getHostUpgrade,
  isUpgradeUnderWay,
  listHostUpgrades,
  requestHostUpgrade,
  type HostUpgrade,
  type HostUpgradeState,
} from '../store/host-upgrades.js';
import { getHost } from '../store/hosts.js';

/** How long a host has, once sent its upgrade, to come back; beyond the agent's own fallback deadline (120 s). */
export const UPGRADE_RETURN_TIMEOUT_MS = 180_000;

/** What of the runner upgrades need (EngineRunner in production). */
export interface UpgradeRunner {
  hasLifecycleWork(hostId: string): boolean;
  holdForUpgrade(hostId: string): void;
  releaseFromUpgrade(hostId: string): void;
  readonly feed: { subscribe(listener: () => void): () => void };
}

export interface UpgradeMessenger {
  send(hostId: string, message: CoordinatorMessage): boolean;
  isConnected(hostId: string): boolean;
}

/** The package to upgrade to, as the coordinator serves it. */
export interface UpgradeTarget {
  readonly version: string;
  readonly sha256: string;
  readonly packageUrl: string;
}

export class AgentUpgrades {
  private readonly returnTimers = new Map<string, NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  private retry: NodeJS.Immediate | undefined;

  constructor(
    private readonly db: Database,
    private readonly messenger: UpgradeMessenger,
    private readonly runner: UpgradeRunner,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
    private readonly returnTimeoutMs = UPGRADE_RETURN_TIMEOUT_MS,
  ) {}

  /** Listens to the runner; upgrades under way when the coordinator stopped get their full return time again. */
  start(): void {
    this.unsubscribe = this.runner.feed.subscribe(() => this.scheduleRetry());
    for (const upgrade of listHostUpgrades(this.db, ['sent', 'starting'])) this.armReturnTimer(upgrade.hostId, upgrade.version);
  }

  stop(): void {
    this.unsubscribe?.();
    clearImmediate(this.retry);
    this.retry = undefined;
    for (const timer of this.returnTimers.values()) clearTimeout(timer);
    this.returnTimers.clear();
  }

  /** Records the request (replacing the host's last upgrade) and sends it at once when the host is free. */
  request(hostId: string, target: UpgradeTarget): HostUpgrade {
    const last = getHostUpgrade(this.db, hostId);
    // Asked twice: the upgrade under way stands.
    if (last && isUpgradeUnderWay(last.state) && last.version === target.version) return last;
    this.endHold(hostId);
    const fromVersion = getHost(this.db, hostId)?.agentVersion;
    const upgrade = requestHostUpgrade(
      this.db,
      { hostId, ...target, fromVersion },
      'waiting until the host has no lifecycle event to run',
      this.clock(),
    );
    this.logger.info({ hostId, version: target.version, fromVersion }, 'agent upgrade requested');
    this.tryToSend(upgrade);
    return getHostUpgrade(this.db, hostId) ?? upgrade;
  }

  /** From the gateway: the agent's answer to `upgrade-agent`, or the report of a fallback. */
  onUpgradeStatus(hostId: string, status: UpgradeStatus): void {
    if (!this.advance(hostId, status.version, status.state, status.message)) return;
    if (status.state !== 'starting') this.endHold(hostId);
  }

  /** From the gateway, after the runner: a host said hello (online) or went away. */
  onConnectivity(hostId: string, online: boolean): void {
    if (!online) return;
    const upgrade = getHostUpgrade(this.db, hostId);
    if (upgrade?.state === 'waiting') return this.tryToSend(upgrade);
    if (upgrade === undefined || getHost(this.db, hostId)?.agentVersion !== upgrade.version) return;
    // Back on the old version instead: its fallback report, sent right after its hello, says why.
    if (this.advance(hostId, upgrade.version, 'upgraded', `reconnected with ${upgrade.version}`)) this.endHold(hostId);
  }

  private tryToSend(upgrade: HostUpgrade): void {
    const { hostId, version, packageUrl, sha256 } = upgrade;
    if (!this.messenger.isConnected(hostId) || this.runner.hasLifecycleWork(hostId)) return;
    if (!this.advance(hostId, version, 'sent', 'sent to the agent; it restarts into the new version')) return;
    this.runner.holdForUpgrade(hostId);
    this.messenger.send(hostId, { type: 'upgrade-agent', version, packageUrl, sha256 });
    this.armReturnTimer(hostId, version);
  }

  /** After the runner's turn (the feed speaks mid-commit), once however many changes it published. */
  private scheduleRetry(): void {
    this.retry ??= setImmediate(() => {
      this.retry = undefined;
      for (const upgrade of listHostUpgrades(this.db, ['waiting'])) this.tryToSend(upgrade);
    });
  }

  private armReturnTimer(hostId: string, version: string): void {
    clearTimeout(this.returnTimers.get(hostId));
    const timer = setTimeout(() => {
      this.returnTimers.delete(hostId);
      const message = `did not come back with ${version} within ${this.returnTimeoutMs / 1000} s`;
      if (this.advance(hostId, version, 'failed', message)) this.runner.releaseFromUpgrade(hostId);
    }, this.returnTimeoutMs);
    timer.unref();
    this.returnTimers.set(hostId, timer);
  }

  private endHold(hostId: string): void {
    clearTimeout(this.returnTimers.get(hostId));
    this.returnTimers.delete(hostId);
    this.runner.releaseFromUpgrade(hostId);
  }

  private advance(hostId: string, version: string, state: HostUpgradeState, message: string): boolean {
    const advanced = advanceHostUpgrade(this.db, hostId, version, state, message, this.clock());
    if (advanced) this.logger[state === 'failed' || state === 'refused' ? 'warn' : 'info']({ hostId, version, state }, `agent upgrade ${state}: ${message}`);
    return advanced;
  }
}
