/**
 * The shell around `evaluateAlarm`: on each call of `evaluate(deployments, now)` it evaluates the alarms of
 * each given deployment's group, asks Prometheus for the readings of its alarms at each alarm's interval,
 * and fires an alarm at most once per deployment. `retain(ids)` forgets the deployments that are over.
 *
 * A rollback deployment is not watched: it is the way out, and an alarm still firing because of the failed
 * revision must not stop it.
 */
import type { AlarmSpec, HostMetricsSample } from '@baton/shared';
import type { Logger } from 'pino';
import type { DeploymentState } from '../engine/index.js';
import { evaluateAlarm, observePrometheus, type Observation } from './evaluate-alarm.js';
import { queryPrometheus } from './prometheus-query.js';

export interface AlarmEvaluatorDeps {
  readonly alarmsOf: (groupId: string) => readonly AlarmSpec[];
  readonly samplesOf: (hostId: string) => readonly HostMetricsSample[];
  readonly unhealthyIn: (deploymentId: string) => ReadonlyMap<string, string>;
  /** Stops the group's deployment (`EngineRunner.onAlarm`). */
  readonly fire: (groupId: string, name: string, message: string) => void;
  readonly logger: Logger;
  /** Prometheus is asked through this; a real HTTP query by default. */
  readonly query?: typeof queryPrometheus;
}

/** Readings kept per Prometheus alarm and deployment: enough for any `for` the alarm may ask at its interval. */
const MAX_READINGS = 720;
/** A Prometheus query waits at most this long, and never longer than the alarm's interval. */
const MAX_QUERY_TIMEOUT_MS = 10_000;

interface PrometheusWatch {
  readonly readings: Observation[];
  lastAskedAt: number;
  asking: boolean;
}

type PrometheusAlarm = Extract<AlarmSpec, { type: 'prometheus' }>;

export class AlarmEvaluator {
  private readonly fired = new Set<string>();
  private readonly prometheus = new Map<string, PrometheusWatch>();
  private readonly query: typeof queryPrometheus;

  constructor(private readonly deps: AlarmEvaluatorDeps) {
    this.query = deps.query ?? queryPrometheus;
  }

  evaluate(deployments: readonly DeploymentState[], now: number): void {
    for (const deployment of deployments) {
      if (deployment.context.creator === 'rollback' || this.fired.has(deployment.deploymentId)) continue;
      const groupId = deployment.context.deploymentGroupId;
      for (const alarm of this.deps.alarmsOf(groupId)) {
        if (alarm.type === 'prometheus') this.askPrometheus(deployment.deploymentId, alarm, now);
        const verdict = evaluateAlarm(
          alarm,
          {
            hosts: deployment.hosts,
            samplesOf: this.deps.samplesOf,
            unhealthy: this.deps.unhealthyIn(deployment.deploymentId),
            readings: this.prometheus.get(prometheusKey(deployment.deploymentId, alarm.name))?.readings ?? [],
          },
          now,
        );
        if (!verdict.fired) continue;
        this.fired.add(deployment.deploymentId);
        this.deps.logger.warn({ deploymentId: deployment.deploymentId, alarm: alarm.name }, `alarm fired: ${verdict.message}`);
        this.deps.fire(groupId, alarm.name, verdict.message);
        break;
      }
    }
  }

  /** Starts a query when the alarm's interval has passed since the last one and none is running. */
  private askPrometheus(deploymentId: string, alarm: PrometheusAlarm, now: number): void {
    const key = prometheusKey(deploymentId, alarm.name);
    let watch = this.prometheus.get(key);
    if (!watch) {
      watch = { readings: [], lastAskedAt: -Infinity, asking: false };
      this.prometheus.set(key, watch);
    }
    if (watch.asking || now - watch.lastAskedAt < alarm.interval) return;
    const current = watch;
    current.asking = true;
    current.lastAskedAt = now;
    void this.query(alarm.url, alarm.query, Math.min(alarm.interval, MAX_QUERY_TIMEOUT_MS)).then((answer) => {
      current.asking = false;
      if (!answer.ok) {
        this.deps.logger.warn({ deploymentId, alarm: alarm.name }, answer.error);
        return;
      }
      // Stamped with the time the query was asked: the answer describes that moment.
      current.readings.push(observePrometheus(now, answer.value, alarm));
      if (current.readings.length > MAX_READINGS) current.readings.shift();
    });
  }

  retain(active: ReadonlySet<string>): void {
    for (const id of this.fired) if (!active.has(id)) this.fired.delete(id);
    for (const key of this.prometheus.keys()) if (!active.has(key.slice(0, key.indexOf(' ')))) this.prometheus.delete(key);
  }
}

const prometheusKey = (deploymentId: string, alarmName: string): string => `${deploymentId} ${alarmName}`;
