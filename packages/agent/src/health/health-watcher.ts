import type { HealthStatus, WatchHealth } from '@baton/shared/protocol';
import type { Logger } from '../logging.js';
import { probe, type HealthCheck } from './health-probe.js';

export interface HealthWatcherOptions {
  /** Returns whether the status went out; an unsent verdict is tried again after the next failing probe. */
  readonly report: (status: HealthStatus) => boolean;
  readonly logger: Logger;
  readonly clock?: () => number;
}

interface Watch {
  until: number;
  /** The verdict reached the coordinator: this watch's checks are over, renewals only move `until`. */
  reported: boolean;
  readonly timers: Set<NodeJS.Timeout>;
  expiry: NodeJS.Timeout | undefined;
}

/**
 * Runs the health checks the coordinator asks for, one watch per deployment. Each check runs at once and
 * then every `interval`; after `unhealthyAfter` consecutive failures of one check the host is reported
 * unhealthy for that deployment, once. A watch ends at its `until` (the coordinator renews it as a lease),
 * and `watch-health` is idempotent: a repeat for a running watch only moves `until`.
 * Timers are unref'd: watches never keep the process alive.
 */
export class HealthWatcher {
  private readonly watches = new Map<string, Watch>();
  private readonly clock: () => number;

  constructor(private readonly options: HealthWatcherOptions) {
    this.clock = options.clock ?? Date.now;
  }

  watch(message: WatchHealth): void {
    const until = Date.parse(message.until);
    const existing = this.watches.get(message.deploymentId);
    if (until <= this.clock()) {
      if (existing) this.end(message.deploymentId, existing);
      return;
    }
    if (existing) {
      existing.until = until;
      this.armExpiry(message.deploymentId, existing);
      return;
    }
    const watch: Watch = { until, reported: false, timers: new Set(), expiry: undefined };
    this.watches.set(message.deploymentId, watch);
    this.armExpiry(message.deploymentId, watch);
    this.options.logger.info({ deploymentId: message.deploymentId, checks: message.checks.length }, 'watching health');
    for (const check of message.checks) this.runCheck(message.deploymentId, watch, check, 0);
  }

  /** The deployments being watched (including those already reported, until their `until`). */
  watching(): string[] {
    return [...this.watches.keys()];
  }

  stopAll(): void {
    for (const [deploymentId, watch] of this.watches) this.end(deploymentId, watch);
  }

  private runCheck(deploymentId: string, watch: Watch, check: HealthCheck, failuresSoFar: number): void {
    void probe(check).then((outcome) => {
      if (this.watches.get(deploymentId) !== watch || watch.reported) return;
      const failures = outcome.ok ? 0 : failuresSoFar + 1;
      if (!outcome.ok && failures >= check.unhealthyAfter) {
        const message = `health check failed ${failures} time(s) in a row: ${outcome.error}`;
        watch.reported = this.options.report({ type: 'health-status', deploymentId, healthy: false, message });
        this.options.logger.warn({ deploymentId, reported: watch.reported }, message);
        if (watch.reported) return this.clearChecks(watch);
      }
      const timer = setTimeout(() => {
        watch.timers.delete(timer);
        this.runCheck(deploymentId, watch, check, failures);
      }, check.interval);
      timer.unref();
      watch.timers.add(timer);
    });
  }

  private armExpiry(deploymentId: string, watch: Watch): void {
    clearTimeout(watch.expiry);
    watch.expiry = setTimeout(() => this.end(deploymentId, watch), Math.max(0, watch.until - this.clock()));
    watch.expiry.unref();
  }

  private end(deploymentId: string, watch: Watch): void {
    clearTimeout(watch.expiry);
    this.clearChecks(watch);
    this.watches.delete(deploymentId);
  }

  private clearChecks(watch: Watch): void {
    for (const timer of watch.timers) clearTimeout(timer);
    watch.timers.clear();
  }
}
