/**
 * Turns a strategy into the deployment's batches: which hosts go together, how many may run at once, how
 * many may fail, how long to bake afterwards, and whether a person must promote before the next batch.
 * Pure; hosts arrive already in deployment order.
 */
import { resolveHostAmount, type HostAmount, type RollingSpec, type Strategy } from '@baton/shared';
import type { BatchPlan, HostCandidate } from './types.js';

export type BatchPlanning = { ok: true; batches: BatchPlan[]; totalFailureBudget?: number } | { ok: false; reason: string };

export function planBatches(strategy: Strategy, hosts: readonly HostCandidate[]): BatchPlanning {
  const ids = (list: readonly HostCandidate[]) => list.map((host) => host.hostId);
  switch (strategy.type) {
    case 'inPlace':
    case 'blueGreen':
      return { ok: true, batches: [{ label: 'all hosts', hostIds: ids(hosts), concurrency: 'minimumHealthy', bakeMs: 0 }] };
    case 'rolling': {
      const rolling = strategy.rolling ?? defaultRolling();
      const planned = planRolling(rolling, hosts);
      return planned.ok ? { ...planned, totalFailureBudget: rolling.maxFailures.total } : planned;
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
      if (rest.length === 0) return { ok: true, batches: [canaryBatch] };
      if (!strategy.rolling) {
        return { ok: true, batches: [canaryBatch, { label: 'the rest', hostIds: ids(rest), concurrency: 'minimumHealthy', bakeMs: 0 }] };
      }
      const planned = planRolling(strategy.rolling, rest);
      return planned.ok ? { ok: true, batches: [canaryBatch, ...planned.batches], totalFailureBudget: strategy.rolling.maxFailures.total } : planned;
    }
  }
}

const defaultRolling = (): RollingSpec => ({
  batches: { percent: 100 },
  bake: 0,
  minHealthyPerZone: { percent: 0 },
  maxFailures: { perBatch: 0, total: 0 },
});

/** Rolling batches, zone by zone when a zone tag is given (zones in name order; hosts without the tag last). */
function planRolling(rolling: RollingSpec, hosts: readonly HostCandidate[]): BatchPlanning {
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
