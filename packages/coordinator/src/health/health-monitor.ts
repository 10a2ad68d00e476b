/**
 * Host health in the coordinator: it keeps the hosts' metric samples, sends the groups' health checks to the
 * hosts of active deployments (as renewable leases), turns an agent's unhealthy verdict into the runner's
 * `onHostUnhealthy`, and evaluates the groups' alarms. It polls `runner.activeDeployments()` once per tick
 * instead of hooking into the engine: the engine stays untouched, a watch is sent at most one tick after a
 * host finishes its events, and the same loop re-sends what a reconnecting host missed.
 */
import type { HealthCheckSpec, HealthStatus, HostMetricsSample } from '@baton/shared';
import type { Logger } from 'pino';
import { AlarmEvaluator } from '../alarms/alarm-evaluator.js';
import type { queryPrometheus } from '../alarms/prometheus-query.js';
import type { EngineRunner, HostMessenger } from '../runner/engine-runner.js';
import type { Database } from '../store/database.js';
import { getDeploymentGroup } from '../store/deployment-groups.js';
import { MetricsHistory } from './metrics-history.js';
import { planHealthWatches, type WatchLease } from './plan-health-watches.js';

export type HealthRunner = Pick<EngineRunner, 'activeDeployments' | 'onAlarm' | 'onHostUnhealthy'>;

export interface HealthMonitorOptions {
  /** How often alarms are evaluated and watches sent; 1 s by default. */
  readonly tickMs?: number;
  /** How long an agent runs a group's checks without hearing from the coordinator again; 30 s by default. */
  readonly leaseMs?: number;
  readonly clock?: () => number;
  readonly queryPrometheus?: typeof queryPrometheus;
}

export class HealthMonitor {
  readonly metrics = new MetricsHistory();
  private readonly leases = new Map<string, WatchLease>();
  /** deploymentId → hostId → the agent's message, for `healthCheck` alarms. */
  private readonly unhealthy = new Map<string, Map<string, string>>();
  private readonly alarms: AlarmEvaluator;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly runner: HealthRunner,
    private readonly messenger: HostMessenger,
    private readonly logger: Logger,
    private readonly options: HealthMonitorOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.alarms = new AlarmEvaluator({
      alarmsOf: (groupId) => getDeploymentGroup(db, groupId)?.alarms ?? [],
      samplesOf: (hostId) => this.metrics.samples(hostId),
      unhealthyIn: (deploymentId) => this.unhealthy.get(deploymentId) ?? new Map(),
      fire: (groupId, name, message) => runner.onAlarm(groupId, name, message),
      logger,
      ...(options.queryPrometheus ? { query: options.queryPrometheus } : {}),
    });
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.options.tickMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onHostMetrics(hostId: string, sample: HostMetricsSample): void {
    this.metrics.record(hostId, sample, new Date(this.clock()));
  }

  /**
   * An agent's verdict for one deployment. A late verdict (the deployment is over, or the host is not in it)
   * changes nothing. A `healthCheck` alarm is evaluated first, so that it stops the deployment as
   * ALARM_ACTIVE before the host's failure is counted.
   */
  onHealthStatus(hostId: string, status: HealthStatus): void {
    if (status.healthy) return;
    const deployment = this.runner.activeDeployments().find((d) => d.deploymentId === status.deploymentId);
    if (!deployment?.hosts.some((host) => host.hostId === hostId)) {
      this.logger.debug({ hostId, deploymentId: status.deploymentId }, 'health status for a deployment that is not active dropped');
      return;
    }
    const reports = this.unhealthy.get(status.deploymentId) ?? new Map<string, string>();
    this.unhealthy.set(status.deploymentId, reports.set(hostId, status.message));
    this.alarms.evaluate([deployment], this.clock());
    this.runner.onHostUnhealthy(status.deploymentId, hostId, status.message);
  }

  tick(): void {
    const now = this.clock();
    const active = this.runner.activeDeployments();
    const ids = new Set(active.map((d) => d.deploymentId));
    for (const id of this.unhealthy.keys()) if (!ids.has(id)) this.unhealthy.delete(id);
    this.alarms.retain(ids);
    this.alarms.evaluate(active, now);
    // An alarm may just have ended a deployment: its watches end in the same tick.
    this.sendWatches(this.runner.activeDeployments(), now);
  }

  private sendWatches(active: ReturnType<HealthRunner['activeDeployments']>, now: number): void {
    const checksOf = (groupId: string): readonly HealthCheckSpec[] => getDeploymentGroup(this.db, groupId)?.healthChecks ?? [];
    const plan = planHealthWatches(active, checksOf, this.leases, now, this.options.leaseMs ?? 30_000);
    // A watch that does not reach its host (offline) is tried again next tick; an end is best effort (the lease runs out anyway).
    for (const { key, hostId, lease, message } of plan.renew) {
      if (this.messenger.send(hostId, message)) this.leases.set(key, lease);
    }
    for (const { key, hostId, message } of plan.end) {
      this.messenger.send(hostId, message);
      this.leases.delete(key);
    }
  }
}
