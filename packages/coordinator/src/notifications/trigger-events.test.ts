import type { DeploymentStatus, InstanceStatus, TriggerEvent } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import type { DeploymentChange } from '../runner/deployment-feed.js';
import { triggerEventsFor } from './trigger-events.js';

const of = { deploymentId: 'd-1', applicationName: 'shop', groupName: 'web', groupId: 'dg-1', at: '2030-01-01T00:00:00.000Z' };

const deployment = (previousStatus: DeploymentStatus | undefined, status: DeploymentStatus, creator: 'user' | 'rollback' | 'autoUpdate' = 'user'): DeploymentChange => ({
  ...of,
  type: 'deployment',
  creator,
  status,
  ...(previousStatus ? { previousStatus } : {}),
});

const instance = (previousStatus: InstanceStatus | undefined, status: InstanceStatus): DeploymentChange => ({
  ...of,
  type: 'instance',
  hostId: 'h-1',
  hostName: 'web1',
  status,
  ...(previousStatus ? { previousStatus } : {}),
});

describe('the trigger events of a change', () => {
  it.each<[string, DeploymentChange, TriggerEvent[]]>([
    ['a deployment that starts at once', deployment(undefined, 'InProgress'), ['DeploymentStart']],
    ['a deployment that waited in the queue', deployment('Queued', 'InProgress'), ['DeploymentStart']],
    ['a created deployment that starts', deployment('Created', 'InProgress'), ['DeploymentStart']],
    ['a rollback deployment that starts', deployment(undefined, 'InProgress', 'rollback'), ['DeploymentStart', 'DeploymentRollback']],
    ['an automatic update that starts', deployment(undefined, 'InProgress', 'autoUpdate'), ['DeploymentStart']],
    ['the next batch after a bake', deployment('Baking', 'InProgress'), []],
    ['going on after Ready', deployment('Ready', 'InProgress'), []],
    ['a bake', deployment('InProgress', 'Baking'), []],
    ['a deployment queued', deployment('Created', 'Queued'), []],
    ['a success', deployment('InProgress', 'Succeeded'), ['DeploymentSuccess']],
    ['a success after a bake', deployment('Baking', 'Succeeded'), ['DeploymentSuccess']],
    ['a failure', deployment('InProgress', 'Failed'), ['DeploymentFailure']],
    ['a failure before the start', deployment(undefined, 'Failed'), ['DeploymentFailure']],
    ['a rollback that fails', deployment('InProgress', 'Failed', 'rollback'), ['DeploymentFailure']],
    ['a stop', deployment('InProgress', 'Stopped'), ['DeploymentStop']],
    ['a stop while queued', deployment('Queued', 'Stopped'), ['DeploymentStop']],
    ['waiting for a person', deployment('InProgress', 'Ready'), ['DeploymentReady']],
    ['a host that starts', instance('Pending', 'InProgress'), ['InstanceStart']],
    ['a host that starts in its first step', instance(undefined, 'InProgress'), ['InstanceStart']],
    ['a host back from Unknown', instance('Unknown', 'InProgress'), []],
    ['a host going on after Ready', instance('Ready', 'InProgress'), []],
    ['a host that succeeds', instance('InProgress', 'Succeeded'), ['InstanceSuccess']],
    ['a host that fails', instance('InProgress', 'Failed'), ['InstanceFailure']],
    ['a host that is ready', instance('InProgress', 'Ready'), ['InstanceReady']],
    ['a host skipped', instance('Pending', 'Skipped'), []],
    ['a host whose agent went away', instance('InProgress', 'Unknown'), []],
    ['a new host, pending', instance(undefined, 'Pending'), []],
    ['a batch', { ...of, type: 'batch', batchIndex: 1, batchCount: 3, label: 'batch 2' }, []],
    ['a lifecycle event', { ...of, type: 'lifecycle-event', hostId: 'h-1', hostName: 'web1', event: 'Install', status: 'Failed' }, []],
  ])('%s', (_, change, expected) => {
    expect(triggerEventsFor(change)).toEqual(expected);
  });
});
