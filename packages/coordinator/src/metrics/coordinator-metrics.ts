/**
 * The coordinator's Prometheus metrics, in a registry of its own (so two servers in one process, as in tests,
 * never share counters). Counters and histograms follow the deployment feed; gauges are read from SQLite when
 * Prometheus scrapes, so they are right after a restart too. Counters start at zero with each process, as
 * Prometheus expects.
 */
import { DeploymentStatus, isTerminalDeploymentStatus } from '@baton/shared';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { triggerEventsFor } from '../notifications/trigger-events.js';
import type { DeploymentChange } from '../runner/deployment-feed.js';
import type { Database } from '../store/database.js';
import { getDeployment } from '../store/deployments.js';

const TERMINAL_STATUSES = Object.values(DeploymentStatus).filter(isTerminalDeploymentStatus);
const ACTIVE_STATUSES = Object.values(DeploymentStatus).filter((status) => !isTerminalDeploymentStatus(status));

/** Seconds: deployments take minutes to hours; hooks take from a fraction of a second to the 3600 s limit. */
const DEPLOYMENT_BUCKETS = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];
const EVENT_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export class CoordinatorMetrics {
  readonly registry = new Registry();
  private readonly deploymentsTotal: Counter<'status'>;
  private readonly rollbacksTotal: Counter;
  private readonly webhookFailuresTotal: Counter;
  private readonly deploymentDuration: Histogram<'status'>;
  private readonly eventDuration: Histogram<'event' | 'status'>;

  constructor(private readonly db: Database) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.deploymentsTotal = new Counter({
      name: 'baton_deployments_total',
      help: 'Deployments that finished, by final status.',
      labelNames: ['status'],
      registers,
    });
    for (const status of TERMINAL_STATUSES) this.deploymentsTotal.inc({ status }, 0);
    this.rollbacksTotal = new Counter({ name: 'baton_rollbacks_total', help: 'Rollback deployments started.', registers });
    this.webhookFailuresTotal = new Counter({
      name: 'baton_webhook_failures_total',
      help: 'Webhook attempts that failed (refused, timed out or unreachable), retries included.',
      registers,
    });
    this.deploymentDuration = new Histogram({
      name: 'baton_deployment_duration_seconds',
      help: 'From the start of a deployment to its end, by final status.',
      labelNames: ['status'],
      buckets: DEPLOYMENT_BUCKETS,
      registers,
    });
    this.eventDuration = new Histogram({
      name: 'baton_lifecycle_event_duration_seconds',
      help: 'How long one lifecycle event took on one host, as the agent reported it.',
      labelNames: ['event', 'status'],
      buckets: EVENT_BUCKETS,
      registers,
    });
    this.defineGauges(registers);
  }

  /** The feed listener. */
  observe(change: DeploymentChange): void {
    if (change.type === 'deployment') {
      if (triggerEventsFor(change).includes('DeploymentRollback')) this.rollbacksTotal.inc();
      if (!isTerminalDeploymentStatus(change.status)) return;
      this.deploymentsTotal.inc({ status: change.status });
      const startedAt = getDeployment(this.db, change.deploymentId)?.startedAt;
      if (startedAt) this.deploymentDuration.observe({ status: change.status }, secondsBetween(startedAt, change.at));
    } else if (change.type === 'lifecycle-event') {
      const finished = change.status === 'Succeeded' || change.status === 'Failed';
      if (finished && change.startTime && change.endTime) {
        this.eventDuration.observe({ event: change.event, status: change.status }, secondsBetween(change.startTime, change.endTime));
      }
    }
  }

  countWebhookFailure(): void {
    this.webhookFailuresTotal.inc();
  }

  private defineGauges(registers: Registry[]): void {
    const { db } = this;
    new Gauge({
      name: 'baton_deployments_active',
      help: 'Deployments not finished yet, by status.',
      labelNames: ['status'],
      registers,
      collect() {
        const counts = new Map(
          db
            .prepare<string[], { status: string; count: number }>(
              `SELECT status, count(*) AS count FROM deployments WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')}) GROUP BY status`,
            )
            .all(...ACTIVE_STATUSES)
            .map((row) => [row.status, row.count]),
        );
        for (const status of ACTIVE_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'baton_hosts_connected',
      help: 'Hosts whose agent is connected now.',
      registers,
      collect() {
        this.set(db.prepare<[], { count: number }>('SELECT count(*) AS count FROM hosts WHERE online = 1').get()!.count);
      },
    });
    new Gauge({
      name: 'baton_lifecycle_events_in_flight',
      help: 'Lifecycle events running on hosts now.',
      registers,
      collect() {
        // Through the active deployments (indexed by status), not a scan of every event ever run.
        const row = db
          .prepare<string[], { count: number }>(
            `SELECT count(*) AS count FROM deployments d JOIN lifecycle_events e ON e.deployment_id = d.id
             WHERE d.status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')}) AND e.status = 'InProgress'`,
          )
          .get(...ACTIVE_STATUSES)!;
        this.set(row.count);
      },
    });
  }
}

const secondsBetween = (from: string, to: string): number => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
