/**
 * Pure alarm evaluation: a group's alarm, what is known about the deployment's hosts and the alarm's own
 * readings, and the current time go in; whether the alarm fires (and why, for people) comes out.
 */
import { assertNever, type AlarmSpec, type HostMetricName, type HostMetricsSample } from '@baton/shared';

/** One reading of an alarm's quantity: when (coordinator time), its value, and whether it crossed the threshold. */
export interface Observation {
  readonly at: number;
  readonly breaching: boolean;
  /** Absent when there was no data (an empty query result), which counts as not breaching. */
  readonly value?: number;
}

export type AlarmVerdict = { readonly fired: false } | { readonly fired: true; readonly message: string };

export interface AlarmInputs {
  /** The hosts of the deployment the alarm watches. */
  readonly hosts: readonly { readonly hostId: string; readonly name: string }[];
  /** A host's recent metric samples, oldest first, stamped with the coordinator's receive time. */
  readonly samplesOf: (hostId: string) => readonly HostMetricsSample[];
  /** Hosts of the deployment whose health check failed, with the agent's message. */
  readonly unhealthy: ReadonlyMap<string, string>;
  /** A Prometheus alarm's readings during the deployment, oldest first. */
  readonly readings: readonly Observation[];
}

/** A host sample older than this says nothing about now: the agent is gone or its clock of reports stopped. */
export const HOST_SAMPLE_MAX_AGE_MS = 60_000;

const METRIC_FIELD = {
  cpu: 'cpuPercent',
  memory: 'memoryPercent',
  disk: 'diskPercent',
  load: 'load1',
} as const satisfies Record<HostMetricName, keyof HostMetricsSample>;

const NOT_FIRED: AlarmVerdict = { fired: false };

export function evaluateAlarm(alarm: AlarmSpec, inputs: AlarmInputs, now: number): AlarmVerdict {
  switch (alarm.type) {
    case 'hostMetric':
      for (const host of inputs.hosts) {
        const observations = inputs.samplesOf(host.hostId).map((sample) => observeHostMetric(sample, alarm.metric, alarm.above));
        const breach = sustainedBreach(observations, alarm.for, now, HOST_SAMPLE_MAX_AGE_MS);
        if (breach) {
          return fired(`${alarm.metric} on ${host.name} is ${breach.value} (above ${alarm.above})${lasting(breach.since, alarm.for, now)}`);
        }
      }
      return NOT_FIRED;
    case 'healthCheck': {
      const host = inputs.hosts.find((h) => inputs.unhealthy.has(h.hostId));
      return host ? fired(`${host.name} is unhealthy: ${inputs.unhealthy.get(host.hostId)}`) : NOT_FIRED;
    }
    case 'prometheus': {
      // Three missed intervals and the last reading no longer describes now.
      const breach = sustainedBreach(inputs.readings, alarm.for, now, 3 * alarm.interval);
      if (!breach) return NOT_FIRED;
      return fired(`${alarm.query} is ${breach.value} (${describeBounds(alarm)})${lasting(breach.since, alarm.for, now)}`);
    }
    default:
      return assertNever(alarm, 'alarm type');
  }
}

/**
 * A breach that has lasted: the latest observation breaches, is no older than `maxAgeMs`, and the unbroken run
 * of breaching observations it ends began at least `forMs` ago. `for: 0` fires on one breaching observation.
 */
export function sustainedBreach(
  observations: readonly Observation[],
  forMs: number,
  now: number,
  maxAgeMs: number,
): { readonly since: number; readonly value: number | undefined } | undefined {
  const latest = observations.at(-1);
  if (!latest?.breaching || now - latest.at > maxAgeMs) return undefined;
  let since = latest.at;
  for (let i = observations.length - 1; i >= 0 && observations[i]!.breaching; i--) since = observations[i]!.at;
  return now - since >= forMs ? { since, value: latest.value } : undefined;
}

export function observeHostMetric(sample: HostMetricsSample, metric: HostMetricName, above: number): Observation {
  const value = sample[METRIC_FIELD[metric]];
  return { at: Date.parse(sample.at), value, breaching: value > above };
}

/**
 * One Prometheus answer as an observation: it breaches when any of its series crosses a bound, and then
 * carries that series' value. An empty answer is no data: not breaching.
 */
export function observePrometheus(at: number, values: readonly number[], bounds: { readonly above?: number; readonly below?: number }): Observation {
  const crosses = (value: number) => (bounds.above !== undefined && value > bounds.above) || (bounds.below !== undefined && value < bounds.below);
  const crossing = values.find(crosses);
  const value = crossing ?? values[0];
  return { at, breaching: crossing !== undefined, ...(value === undefined ? {} : { value }) };
}

const fired = (message: string): AlarmVerdict => ({ fired: true, message });

const lasting = (since: number, forMs: number, now: number): string =>
  forMs > 0 ? ` for ${Math.round((now - since) / 1000)} s` : '';

function describeBounds(alarm: { readonly above?: number; readonly below?: number }): string {
  return [alarm.above !== undefined ? `above ${alarm.above}` : '', alarm.below !== undefined ? `below ${alarm.below}` : ''].filter(Boolean).join(' or ');
}
