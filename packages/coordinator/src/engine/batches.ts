/**
 * Turns a strategy into the deployment's batches: which hosts go together, how many may run at once, how
 * many may fail, how long to bake afterwards, whether a person must approve before the next batch, and how
 * traffic moves. Also decides each host's lifecycle events (blue/green hosts run different ones). Pure; hosts
 * arrive already in deployment order.
 */
import {
  blueGreenEvents,
  computeMinimumHealthy,
  inPlaceEvents,
  resolveHostAmount,
  type BlueGreenSpec,
  type DeploymentConfig,
  type HostAmount,
  type LifecycleEventName,
  type RollingSpec,
  type TrafficShift,
} from '@baton/shared';
import type { BatchPlan, HostCandidate, StartInput } from './types.js';

export type Planned =
  | {
      readonly ok: true;
      readonly batches: BatchPlan[];
      readonly totalFailureBudget?: number;
      readonly eventsOf: (hostId: string) => readonly LifecycleEventName[];
      readonly environments?: { original: string; replacement: string };
    }
  | { readonly ok: false; readonly reason: string };

type PlanInput = Pick<StartInput, 'strategy' | 'deploymentConfig' | 'withTrafficRouter' | 'liveEnvironment' | 'reroute'>;

export function planBatches(input: PlanInput, hosts: readonly HostCandidate[]): Planned {
  const { strategy, deploymentConfig } = input;
  const sameEvents = () => inPlaceEvents(input.withTrafficRouter);
  if (input.reroute) return planReroute(input.reroute, environmentTagOf(input), hosts);
  switch (strategy.type) {
    case 'inPlace':
      return { ok: true, batches: [minimumHealthyBatch('all hosts', hosts, deploymentConfig)], eventsOf: sameEvents };
    case 'rolling': {
      const rolling = strategy.rolling ?? defaultRolling();
      const planned = planRolling(rolling, hosts);
      return planned.ok ? { ...planned, totalFailureBudget: rolling.maxFailures.total, eventsOf: sameEvents } : planned;
    }
    case 'canary': {
      const canary = strategy.canary ?? { bake: 0, promote: 'auto' as const };
      const chosen = canary.tag
        ? hosts.filter((host) => host.tags[canary.tag!.key] === canary.tag!.value)
        : hosts.slice(0, resolveHostAmount(canary.hosts ?? { count: 1 }, hosts.length));
      if (chosen.length === 0) return { ok: false, reason: `no host carries the canary tag ${canary.tag!.key}=${canary.tag!.value}` };
      const rest = hosts.filter((host) => !chosen.includes(host));
      const canaryBatch: BatchPlan = {
        label: `canary (${chosen.length} host${chosen.length === 1 ? '' : 's'})`,
        hostIds: ids(chosen),
        concurrency: 'all',
        failureBudget: 0,
        bakeMs: canary.bake,
        ...(canary.promote === 'manual' ? { approval: 'promote' as const } : {}),
        ...(canary.trafficWeight !== undefined || canary.match ? { canaryTraffic: { weightPercent: canary.trafficWeight, match: canary.match !== undefined } } : {}),
      };
      if (rest.length === 0) return { ok: true, batches: [canaryBatch], eventsOf: sameEvents };
      if (!strategy.rolling) {
        return { ok: true, batches: [canaryBatch, minimumHealthyBatch('the rest', rest, deploymentConfig)], eventsOf: sameEvents };
      }
      const planned = planRolling(strategy.rolling, rest);
      return planned.ok
        ? { ok: true, batches: [canaryBatch, ...planned.batches], totalFailureBudget: strategy.rolling.maxFailures.total, eventsOf: sameEvents }
        : planned;
    }
    case 'blueGreen':
      return planBlueGreen(strategy.blueGreen!, input.liveEnvironment, hosts, deploymentConfig);
  }
}

const ids = (list: readonly HostCandidate[]) => list.map((host) => host.hostId);

function minimumHealthyBatch(label: string, hosts: readonly HostCandidate[], config: DeploymentConfig, untilEvent?: LifecycleEventName): BatchPlan {
  return {
    label,
    hostIds: ids(hosts),
    concurrency: 'minimumHealthy',
    minimumHealthy: computeMinimumHealthy(config, hosts.length),
    bakeMs: 0,
    ...(untilEvent ? { untilEvent } : {}),
  };
}

/**
 * Blue/green (reference section 2): install and validate the idle environment under the minimum-healthy rule,
 * wait if asked, shift traffic to it in steps, run its AllowTraffic hooks, take the old environment out of the
 * router, and keep it through the termination wait.
 */
function planBlueGreen(spec: BlueGreenSpec, live: string | undefined, hosts: readonly HostCandidate[], config: DeploymentConfig): Planned {
  const [first, second] = spec.environments;
  const original = live ?? first;
  const replacement = original === first ? second : first;
  const inEnvironment = (name: string) => hosts.filter((host) => host.tags[spec.environmentTag] === name);
  const green = inEnvironment(replacement);
  const blue = inEnvironment(original);
  if (green.length === 0) {
    return { ok: false, reason: `no host has ${spec.environmentTag}=${replacement}, the environment to deploy to (${original} serves now)` };
  }
  const greenIds = ids(green);
  const batches: BatchPlan[] = [
    { ...minimumHealthyBatch(`install ${replacement}`, green, config, 'BeforeAllowTraffic'), label: `install the ${replacement} environment` },
  ];
  if (spec.readyWait === 'manual') {
    batches.push({ label: `${replacement} ready: waiting for continue`, hostIds: [], concurrency: 'all', bakeMs: 0, approval: 'continue' });
  } else if (spec.readyWait > 0) {
    batches.push({ label: `${replacement} ready: waiting`, hostIds: [], concurrency: 'all', bakeMs: spec.readyWait });
  }
  for (const step of shiftSteps(spec.traffic)) {
    batches.push({
      label: `traffic ${step.percent}% to ${replacement}`,
      hostIds: [],
      concurrency: 'all',
      bakeMs: step.holdMs,
      trafficShift: { toHostIds: greenIds, percent: step.percent },
    });
  }
  // Failures here count against the whole deployment's budget: the minimum-healthy rule applies to green.
  batches.push({ label: `allow traffic on ${replacement}`, hostIds: greenIds, concurrency: 'all', bakeMs: 0 });
  batches.push({
    label: `block traffic on ${original}; keep it ${Math.round(spec.terminationWait / 1000)} s`,
    hostIds: ids(blue),
    concurrency: 'all',
    failureBudget: 0,
    bakeMs: spec.terminationWait,
  });
  const minimumHealthy = computeMinimumHealthy(config, green.length);
  return {
    ok: true,
    batches,
    // The minimum-healthy rule applies to the new environment; the old one must leave the router cleanly.
    totalFailureBudget: green.length - Math.max(minimumHealthy, 1),
    eventsOf: (hostId) => blueGreenEvents(greenIds.includes(hostId) ? 'replacement' : 'original'),
    environments: { original, replacement },
  };
}

/** Cumulative traffic steps with how long each holds before the next: the last holds for nothing. */
function shiftSteps(traffic: TrafficShift): { percent: number; holdMs: number }[] {
  switch (traffic.type) {
    case 'AllAtOnce':
      return [{ percent: 100, holdMs: 0 }];
    case 'TimeBasedCanary':
      return [
        { percent: traffic.percentage, holdMs: traffic.interval },
        { percent: 100, holdMs: 0 },
      ];
    case 'TimeBasedLinear': {
      const steps: { percent: number; holdMs: number }[] = [];
      for (let percent = traffic.percentage; percent < 100; percent += traffic.percentage) steps.push({ percent, holdMs: traffic.interval });
      steps.push({ percent: 100, holdMs: 0 });
      return steps;
    }
  }
}

/** A blue/green rollback: traffic goes straight back to the original environment, nothing is installed. */
function planReroute(reroute: { original: string; replacement: string }, tag: string | undefined, hosts: readonly HostCandidate[]): Planned {
  if (!tag) return { ok: false, reason: 'a blue/green rollback needs the group to have a blueGreen strategy' };
  const original = hosts.filter((host) => host.tags[tag] === reroute.original);
  const replacement = hosts.filter((host) => host.tags[tag] === reroute.replacement);
  const originalIds = ids(original);
  return {
    ok: true,
    batches: [
      { label: `traffic back to ${reroute.original}`, hostIds: originalIds, concurrency: 'all', failureBudget: 0, bakeMs: 0, trafficShift: { toHostIds: originalIds, percent: 100 } },
      { label: `block traffic on ${reroute.replacement}`, hostIds: ids(replacement), concurrency: 'all', failureBudget: 0, bakeMs: 0 },
    ],
    eventsOf: (hostId) => blueGreenEvents(originalIds.includes(hostId) ? 'original' : 'replacement', true),
    environments: { original: reroute.replacement, replacement: reroute.original },
  };
}

const environmentTagOf = (input: PlanInput): string | undefined => input.strategy.blueGreen?.environmentTag;

const defaultRolling = (): RollingSpec => ({
  batches: { percent: 100 },
  bake: 0,
  minHealthyPerZone: { percent: 0 },
  maxFailures: { perBatch: 0, total: 0 },
});

type RollingPlanned = { ok: true; batches: BatchPlan[] } | { ok: false; reason: string };

/** Rolling batches, zone by zone when a zone tag is given (zones in name order; hosts without the tag last). */
function planRolling(rolling: RollingSpec, hosts: readonly HostCandidate[]): RollingPlanned {
  const zones = groupByZone(hosts, rolling.zoneTag);
  const batches: BatchPlan[] = [];
  for (const [zoneIndex, zone] of zones.entries()) {
    const zoneSize = zone.hosts.length;
    const minHealthy = 'count' in rolling.minHealthyPerZone ? rolling.minHealthyPerZone.count : Math.floor((rolling.minHealthyPerZone.percent * zoneSize + 99) / 100);
    const maxBatch = zoneSize - minHealthy;
    if (maxBatch <= 0) {
      return { ok: false, reason: `zone ${zone.name} has ${zoneSize} host(s) and needs ${minHealthy} healthy: no host can be taken out of service` };
    }
    const sizes = batchSizes(rolling.batches, zoneSize).flatMap((size) => split(size, maxBatch));
    let offset = 0;
    sizes.forEach((size, index) => {
      const last = index === sizes.length - 1;
      const firstZoneEnd = last && zoneIndex === 0 && zones.length > 1;
      batches.push({
        label: `${zone.name === undefined ? '' : `zone ${zone.name}, `}batch ${index + 1} of ${sizes.length}`,
        hostIds: zone.hosts.slice(offset, offset + size).map((host) => host.hostId),
        concurrency: 'all',
        failureBudget: rolling.maxFailures.perBatch,
        bakeMs: firstZoneEnd ? Math.max(rolling.firstZoneBake ?? rolling.bake, rolling.bake) : rolling.bake,
      });
      offset += size;
    });
  }
  // Nothing to watch after the very last batch: the deployment ends with it.
  const last = batches.at(-1);
  if (last) batches[batches.length - 1] = { ...last, bakeMs: 0 };
  return { ok: true, batches };
}

/**
 * Batch sizes for `total` hosts: a single amount repeats; a list is a ramp of cumulative targets, completed
 * by an implicit 100%.
 */
export function batchSizes(spec: HostAmount | readonly HostAmount[], total: number): number[] {
  if (total === 0) return [];
  if (!Array.isArray(spec)) {
    const size = resolveHostAmount(spec as HostAmount, total);
    return Array.from({ length: Math.ceil(total / size) }, (_, i) => Math.min(size, total - i * size));
  }
  const sizes: number[] = [];
  let done = 0;
  for (const target of [...spec, { percent: 100 }]) {
    const upTo = Math.max(done, resolveHostAmount(target, total));
    if (upTo > done) sizes.push(upTo - done);
    done = upTo;
  }
  return sizes;
}

const split = (size: number, max: number): number[] =>
  Array.from({ length: Math.ceil(size / max) }, (_, i) => Math.min(max, size - i * max));

function groupByZone(hosts: readonly HostCandidate[], zoneTag: string | undefined): { name: string | undefined; hosts: HostCandidate[] }[] {
  if (!zoneTag) return [{ name: undefined, hosts: [...hosts] }];
  const zones = new Map<string, HostCandidate[]>();
  const untagged: HostCandidate[] = [];
  for (const host of hosts) {
    const zone = host.tags[zoneTag];
    if (zone === undefined) untagged.push(host);
    else zones.set(zone, [...(zones.get(zone) ?? []), host]);
  }
  const named = [...zones.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, list]) => ({ name, hosts: list }));
  return untagged.length > 0 ? [...named, { name: `without ${zoneTag}`, hosts: untagged }] : named;
}
