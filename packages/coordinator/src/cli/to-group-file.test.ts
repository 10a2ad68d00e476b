import { GroupFile, resolveDeploymentConfig, type DeploymentConfig } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import type { DeploymentGroupView } from '../http/views.js';
import { toGroupFile } from './to-group-file.js';

const config = (input: Parameters<typeof resolveDeploymentConfig>[0]): DeploymentConfig => {
  const resolved = resolveDeploymentConfig(input);
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.value;
};

const view = (changes: Partial<DeploymentGroupView>): DeploymentGroupView => ({
  deploymentGroupId: 'dg-1',
  applicationName: 'shop',
  name: 'web',
  hostSelector: { tagFilters: [{ key: 'role', type: 'KEY_ONLY' }], tagSet: [] },
  deploymentConfig: config('HalfAtATime'),
  strategy: { type: 'inPlace' },
  trafficRouter: null,
  healthChecks: [],
  alarms: [],
  autoRollbackEvents: [],
  autoRollback: false,
  outdatedInstances: 'UPDATE',
  createdAt: 't',
  updatedAt: 't',
  ...changes,
});

describe('a group view as a group file', () => {
  it('writes a predefined configuration by name, a flat selector as tags, and no router when there is none', () => {
    expect(toGroupFile(view({}))).toEqual({
      application: 'shop',
      name: 'web',
      hosts: { tags: [{ key: 'role', type: 'KEY_ONLY' }] },
      deploymentConfig: 'CodeDeployDefault.HalfAtATime',
      strategy: { type: 'inPlace' },
      healthChecks: [],
      alarms: [],
      autoRollback: { events: [] },
      outdatedInstances: 'UPDATE',
    });
  });

  it('writes a custom configuration by its minimum and a tag set as tagSet, both of which the file schema reads back', () => {
    const file = toGroupFile(
      view({
        hostSelector: { tagFilters: [], tagSet: [[{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }], [{ value: 'eu', type: 'VALUE_ONLY' }]] },
        deploymentConfig: config({ type: 'FLEET_PERCENT', value: 40 }),
      }),
    );
    expect(file).toMatchObject({
      hosts: { tagSet: [[{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }], [{ value: 'eu', type: 'VALUE_ONLY' }]] },
      deploymentConfig: { minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 40 } },
    });
    expect(GroupFile.safeParse(file).success).toBe(true);
  });
});
