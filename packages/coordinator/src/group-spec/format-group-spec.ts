/**
 * The inverse of the shared group-spec schemas: turns the parsed form (milliseconds, `{count}`/`{percent}`,
 * `{key, value}`) back into the form a group file is written in (`30s`, `3`/`"25%"`, `"canary=true"`).
 *
 * Contract: for every parsed value `x`, parsing `format(x)` with the same schema gives `x` again. The store
 * keeps this form (so one set of schemas reads both files and rows), the API answers with it (so a GET can be
 * sent back as is), and `baton group get --yaml` prints it. Every field is written, defaults included, so
 * the output does not depend on which defaults the reader assumes.
 */
import {
  assertNever,
  formatDuration,
  type AlarmSpec,
  type BlueGreenSpec,
  type CanarySpec,
  type HealthCheckSpec,
  type HostAmount,
  type RollingSpec,
  type Strategy,
  type StrategyInput,
  type StrategyType,
  type TrafficShift,
  type TriggerEvent,
  type TriggerSpec,
} from '@baton/shared';
import type { z } from 'zod';

export type HealthCheckFile = z.input<typeof HealthCheckSpec>;
export type AlarmFile = z.input<typeof AlarmSpec>;
/** A trigger as written: its secret by reference only, which a stored trigger always has. */
export type TriggerFile = z.input<typeof TriggerSpec> & { secretRef: string };
type StoredTriggerSpec = Readonly<Omit<TriggerSpec, 'events' | 'secretRef'>> & { readonly events: readonly TriggerEvent[]; readonly secretRef: string };
/** A strategy as written, its type always spelled out. */
export type StrategyFile = StrategyInput & { type: StrategyType };
type RollingFile = NonNullable<StrategyInput['rolling']>;
type CanaryFile = NonNullable<StrategyInput['canary']>;
type BlueGreenFile = NonNullable<StrategyInput['blueGreen']>;

export function formatStrategy({ type, rolling, canary, blueGreen }: Strategy): StrategyFile {
  return {
    type,
    ...(rolling ? { rolling: formatRolling(rolling) } : {}),
    ...(canary ? { canary: formatCanary(canary) } : {}),
    ...(blueGreen ? { blueGreen: formatBlueGreen(blueGreen) } : {}),
  };
}

export function formatHealthCheck(check: HealthCheckSpec): HealthCheckFile {
  const timing = {
    interval: formatDurationField(check.interval),
    timeout: formatDurationField(check.timeout),
    unhealthyAfter: check.unhealthyAfter,
  };
  switch (check.type) {
    case 'http':
      return { type: check.type, url: check.url, expectStatus: check.expectStatus, ...timing };
    case 'command':
      return { type: check.type, command: check.command, ...timing };
    default:
      return assertNever(check, 'health check');
  }
}

export function formatAlarm(alarm: AlarmSpec): AlarmFile {
  switch (alarm.type) {
    case 'hostMetric':
      return { name: alarm.name, type: alarm.type, metric: alarm.metric, above: alarm.above, for: formatDurationField(alarm.for) };
    case 'healthCheck':
      return { name: alarm.name, type: alarm.type };
    case 'prometheus':
      return {
        name: alarm.name,
        type: alarm.type,
        url: alarm.url,
        query: alarm.query,
        ...(alarm.above === undefined ? {} : { above: alarm.above }),
        ...(alarm.below === undefined ? {} : { below: alarm.below }),
        for: formatDurationField(alarm.for),
        interval: formatDurationField(alarm.interval),
      };
    default:
      return assertNever(alarm, 'alarm');
  }
}

/** Triggers hold no durations or amounts: the file form is the stored one, the secret named by its reference. */
export function formatTrigger(trigger: StoredTriggerSpec): TriggerFile {
  return { name: trigger.name, url: trigger.url, events: [...trigger.events], format: trigger.format, secretRef: trigger.secretRef };
}

function formatRolling(rolling: RollingSpec): RollingFile {
  return {
    batches: Array.isArray(rolling.batches) ? rolling.batches.map(formatAmount) : formatAmount(rolling.batches),
    bake: formatDurationField(rolling.bake),
    ...(rolling.zoneTag === undefined ? {} : { zoneTag: rolling.zoneTag }),
    ...(rolling.firstZoneBake === undefined ? {} : { firstZoneBake: formatDurationField(rolling.firstZoneBake) }),
    minHealthyPerZone: formatAmount(rolling.minHealthyPerZone),
    maxFailures: { perBatch: rolling.maxFailures.perBatch, total: rolling.maxFailures.total },
  };
}

function formatCanary(canary: CanarySpec): CanaryFile {
  return {
    ...(canary.hosts ? { hosts: formatAmount(canary.hosts) } : {}),
    ...(canary.tag ? { tag: `${canary.tag.key}=${canary.tag.value}` } : {}),
    bake: formatDurationField(canary.bake),
    promote: canary.promote,
    ...(canary.trafficWeight === undefined ? {} : { trafficWeight: canary.trafficWeight }),
    ...(canary.match ? { match: { ...canary.match } } : {}),
  };
}

function formatBlueGreen(blueGreen: BlueGreenSpec): BlueGreenFile {
  return {
    environmentTag: blueGreen.environmentTag,
    environments: [blueGreen.environments[0], blueGreen.environments[1]],
    readyWait: blueGreen.readyWait === 'manual' ? 'manual' : formatDurationField(blueGreen.readyWait),
    terminationWait: formatDurationField(blueGreen.terminationWait),
    traffic: formatTrafficShift(blueGreen.traffic),
  };
}

function formatTrafficShift(shift: TrafficShift): BlueGreenFile['traffic'] {
  switch (shift.type) {
    case 'AllAtOnce':
      return { type: shift.type };
    case 'TimeBasedCanary':
    case 'TimeBasedLinear':
      return { type: shift.type, percentage: shift.percentage, interval: formatDurationField(shift.interval) };
    default:
      return assertNever(shift, 'traffic shift');
  }
}

/** `{count: 3}` → `3`, `{percent: 25}` → `"25%"`. */
function formatAmount(amount: HostAmount): number | string {
  return 'count' in amount ? amount.count : `${amount.percent}%`;
}

/** Zero reads better as `0` than as `0ms`; every other duration in its largest exact unit (`90s`, `5m`). */
function formatDurationField(ms: number): number | string {
  return ms === 0 ? 0 : formatDuration(ms);
}
