import { describe, expect, it } from 'vitest';
import type { Principal } from '../access/policy.js';
import { availableActions } from './available-actions.js';

const principal = (role: Principal['role'], applications?: string[]): Principal => ({ tokenId: 'tok-1', name: 'ops', role, applications });
const deployment = { status: 'InProgress', creator: 'user', applicationName: 'shop', rollbackInfo: undefined } as const;

describe('availableActions', () => {
  it('offers a running deployment stop and stop-and-roll-back, and its approval while it waits at a Ready batch', () => {
    expect(availableActions(deployment, undefined, principal('deployer'))).toEqual(['stop', 'stop-and-roll-back']);
    expect(availableActions({ ...deployment, status: 'Ready' }, 'promote', principal('admin'))).toEqual(['promote', 'stop', 'stop-and-roll-back']);
    expect(availableActions({ ...deployment, status: 'Baking' }, 'continue', principal('admin'))).toEqual(['stop', 'stop-and-roll-back']);
  });

  it('offers a finished deployment a rollback, unless it is one or was already rolled back', () => {
    expect(availableActions({ ...deployment, status: 'Failed' }, undefined, principal('admin'))).toEqual(['roll-back']);
    expect(availableActions({ ...deployment, status: 'Succeeded', creator: 'rollback' }, undefined, principal('admin'))).toEqual([]);
    const rolledBack = { ...deployment, status: 'Stopped', rollbackInfo: { rollbackDeploymentId: 'd-2' } } as const;
    expect(availableActions(rolledBack, undefined, principal('admin'))).toEqual([]);
  });

  it('offers nothing to a viewer, nor to a deployer limited to other applications', () => {
    expect(availableActions(deployment, undefined, principal('viewer'))).toEqual([]);
    expect(availableActions(deployment, undefined, principal('deployer', ['billing']))).toEqual([]);
    expect(availableActions(deployment, undefined, principal('deployer', ['shop']))).toEqual(['stop', 'stop-and-roll-back']);
  });
});
