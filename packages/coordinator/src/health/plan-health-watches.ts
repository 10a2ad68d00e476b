/**
 * Pure: which hosts must be told to run (or stop running) their group's health checks. A host is watched
 * while it is done with its events (`Succeeded`, or `Ready` waiting for a later batch) in an active
 * deployment whose group has health checks — that covers "after ValidateService" and every bake after it.
 * A watch is a lease: the agent runs the checks until `until`, and the plan renews it when half of it is
 * left, so a watch whose coordinator is gone (or forgot it in a restart) ends by itself.
 */
import { InstanceStatus, type HealthCheckSpec, type WatchHealth } from '@baton/shared';
import type { DeploymentState } from '../engine/index.js';

export interface WatchLease {
  readonly deploymentId: string;
  readonly hostId: string;
  readonly until: number;
  readonly checks: readonly HealthCheckSpec[];
}

export interface WatchSend {
  readonly key: string;
  readonly hostId: string;
  readonly message: WatchHealth;
}

export interface WatchPlan {
  /** New watches and renewals; the lease holds once the message reached the host. */
  readonly renew: readonly (WatchSend & { readonly lease: WatchLease })[];
  /** Leases no longer wanted: `until` is now, so the agent stops at once. */
  readonly end: readonly WatchSend[];
}

export const leaseKey = (deploymentId: string, hostId: string): string => `${deploymentId} ${hostId}`;

export function planHealthWatches(
  deployments: readonly DeploymentState[],
  checksOf: (groupId: string) => readonly HealthCheckSpec[],
  leases: ReadonlyMap<string, WatchLease>,
  now: number,
  leaseMs: number,
): WatchPlan {
  const wanted = new Set<string>();
  const renew: (WatchSend & { lease: WatchLease })[] = [];
  for (const deployment of deployments) {
    // A rollback is the way out: a host still unhealthy after it must not fail it.
    if (deployment.context.creator === 'rollback') continue;
    const checks = checksOf(deployment.context.deploymentGroupId);
    if (checks.length === 0) continue;
    for (const host of deployment.hosts) {
      if (host.status !== InstanceStatus.Succeeded && host.status !== InstanceStatus.Ready) continue;
      const key = leaseKey(deployment.deploymentId, host.hostId);
      wanted.add(key);
      const held = leases.get(key);
      if (held && held.until - now > leaseMs / 2) continue;
      const lease: WatchLease = { deploymentId: deployment.deploymentId, hostId: host.hostId, until: now + leaseMs, checks };
      renew.push({ key, hostId: host.hostId, lease, message: watchMessage(lease) });
    }
  }
  const end = [...leases]
    .filter(([key]) => !wanted.has(key))
    .map(([key, lease]) => ({ key, hostId: lease.hostId, message: watchMessage({ ...lease, until: now }) }));
  return { renew, end };
}

const watchMessage = (lease: WatchLease): WatchHealth => ({
  type: 'watch-health',
  deploymentId: lease.deploymentId,
  checks: [...lease.checks],
  until: new Date(lease.until).toISOString(),
});
