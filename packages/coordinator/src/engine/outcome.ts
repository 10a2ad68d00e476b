import { InstanceStatus, LifecycleEventStatus } from '@baton/shared';
import type { BatchPlan, DeploymentState, HostProgress } from './types.js';

/**
 * Counting rules of the minimum-healthy-hosts configuration (reference section 6). Hosts in flight still
 * count as healthy: a host becomes unhealthy when it fails, or when it was unreachable at the start.
 */
export const countHosts = (hosts: readonly HostProgress[], status: InstanceStatus): number =>
  hosts.reduce((n, host) => (host.status === status ? n + 1 : n), 0);

export const countHealthy = (hosts: readonly HostProgress[]): number =>
  hosts.reduce((n, host) => (host.healthy ? n + 1 : n), 0);

/** How many more of a batch's hosts may start now without its healthy count falling below its minimum. */
export function launchCapacity(state: DeploymentState, batch: BatchPlan): number {
  const ids = new Set(batch.hostIds);
  const hosts = state.hosts.filter((host) => ids.has(host.hostId));
  return countHealthy(hosts) - (batch.minimumHealthy ?? 0) - countHosts(hosts, InstanceStatus.InProgress);
}

/** Success needs at least the minimum of succeeded hosts, and at least one. */
export function meetsSuccessRule(state: DeploymentState): boolean {
  const succeeded = countHosts(state.hosts, InstanceStatus.Succeeded);
  return succeeded >= Math.max(state.plan.minimumHealthy, 1);
}

/** The hosts that received (part of) this revision: the targets of a rollback. */
export const hostsThatReceivedRevision = (state: DeploymentState): string[] =>
  state.hosts.filter((host) => host.events.some((event) => event.status !== LifecycleEventStatus.Pending && event.status !== LifecycleEventStatus.Skipped)).map((host) => host.hostId);

/** A one-line account of what failed where, so the deployment's error names hosts and scripts. */
export function describeFailedHosts(hosts: readonly HostProgress[], limit = 3): string {
  const failed = hosts.filter((host) => host.status === InstanceStatus.Failed);
  const details = failed.slice(0, limit).map((host) => {
    const event = host.events.findLast((e) => e.status === LifecycleEventStatus.Failed);
    if (!event) return `${host.name}: failed`;
    const code = event.diagnostics?.errorCode ?? 'UnknownError';
    const message = event.diagnostics?.message ?? '';
    return `${host.name}: ${event.name} failed (${code}${message ? `: ${message}` : ''})`;
  });
  const more = failed.length > limit ? `; and ${failed.length - limit} more` : '';
  return details.join('; ') + more;
}

/** Failed hosts among a batch's hosts. */
export function batchFailures(state: DeploymentState, batch: { readonly hostIds: readonly string[] }): number {
  const ids = new Set(batch.hostIds);
  return state.hosts.reduce((n, host) => (ids.has(host.hostId) && host.status === InstanceStatus.Failed ? n + 1 : n), 0);
}

/** How many of the given hosts are in each status, in one pass. */
export function tallyHosts(state: DeploymentState, positions: readonly number[]): Record<InstanceStatus, number> {
  const tally: Record<InstanceStatus, number> = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Unknown: 0, Ready: 0 };
  for (const position of positions) tally[state.hosts[position]!.status]++;
  return tally;
}
