import { describe, expect, it } from 'vitest';
import { HealthCheckSpec, InstanceStatus, type InstanceStatus as Status } from '@baton/shared';
import type { DeploymentState } from '../engine/index.js';
import { leaseKey, planHealthWatches, type WatchLease } from './plan-health-watches.js';

const LEASE_MS = 30_000;
const NOW = Date.parse('2030-01-01T00:00:00Z');
const CHECKS = [HealthCheckSpec.parse({ type: 'http', url: 'http://127.0.0.1:8080/health' })];

/** Only the fields the plan reads. */
const deployment = (id: string, hosts: Record<string, Status>, creator: 'user' | 'rollback' = 'user', groupId = 'g1') =>
  ({
    deploymentId: id,
    context: { deploymentGroupId: groupId, creator },
    hosts: Object.entries(hosts).map(([hostId, status]) => ({ hostId, name: hostId, status })),
  }) as unknown as DeploymentState;

const lease = (deploymentId: string, hostId: string, until: number): [string, WatchLease] => [
  leaseKey(deploymentId, hostId),
  { deploymentId, hostId, until, checks: CHECKS },
];

const plan = (deployments: DeploymentState[], leases: [string, WatchLease][] = [], checksOf = (groupId: string) => (groupId === 'g1' ? CHECKS : [])) => {
  const result = planHealthWatches(deployments, checksOf, new Map(leases), NOW, LEASE_MS);
  return {
    renew: result.renew.map((send) => `${send.hostId}@${send.message.deploymentId} until +${(Date.parse(send.message.until) - NOW) / 1000}s`),
    end: result.end.map((send) => `${send.hostId}@${send.message.deploymentId} until +${(Date.parse(send.message.until) - NOW) / 1000}s`),
  };
};

describe('planHealthWatches', () => {
  it.each([
    [
      'watches hosts done with their events (Succeeded, or Ready for a later batch), not the others',
      [deployment('d1', { h1: InstanceStatus.Succeeded, h2: InstanceStatus.Ready, h3: InstanceStatus.InProgress, h4: InstanceStatus.Pending, h5: InstanceStatus.Failed })],
      [],
      { renew: ['h1@d1 until +30s', 'h2@d1 until +30s'], end: [] },
    ],
    ['sends nothing for a group without health checks', [deployment('d1', { h1: InstanceStatus.Succeeded }, 'user', 'g2')], [], { renew: [], end: [] }],
    ['does not watch a rollback', [deployment('d1', { h1: InstanceStatus.Succeeded }, 'rollback')], [], { renew: [], end: [] }],
    ['keeps a lease with more than half of it left', [deployment('d1', { h1: InstanceStatus.Succeeded })], [lease('d1', 'h1', NOW + 20_000)], { renew: [], end: [] }],
    ['renews a lease with half of it left or less', [deployment('d1', { h1: InstanceStatus.Succeeded })], [lease('d1', 'h1', NOW + 15_000)], { renew: ['h1@d1 until +30s'], end: [] }],
    ['ends the watch of a host that failed since', [deployment('d1', { h1: InstanceStatus.Failed })], [lease('d1', 'h1', NOW + 20_000)], { renew: [], end: ['h1@d1 until +0s'] }],
    ['ends the watches of a deployment that is over', [], [lease('d1', 'h1', NOW + 20_000), lease('d1', 'h2', NOW + 20_000)], { renew: [], end: ['h1@d1 until +0s', 'h2@d1 until +0s'] }],
  ])('%s', (_name, deployments, leases, expected) => {
    expect(plan(deployments, leases)).toEqual(expected);
  });

  it('carries the group checks and the lease in each watch', () => {
    const { renew } = planHealthWatches([deployment('d1', { h1: InstanceStatus.Succeeded })], () => CHECKS, new Map(), NOW, LEASE_MS);
    expect(renew).toEqual([
      {
        key: leaseKey('d1', 'h1'),
        hostId: 'h1',
        lease: { deploymentId: 'd1', hostId: 'h1', until: NOW + LEASE_MS, checks: CHECKS },
        message: { type: 'watch-health', deploymentId: 'd1', checks: CHECKS, until: new Date(NOW + LEASE_MS).toISOString() },
      },
    ]);
  });
});
