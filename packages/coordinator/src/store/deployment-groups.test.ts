import { GroupFile, resolveDeploymentConfig, type DeploymentConfig, type HostSelector } from '@baton/shared';
import { parse } from 'yaml';
import { EXAMPLE_GROUP_FILE } from '../../../shared/src/group-spec/example-group-file.test-support.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { createApplication } from './applications.js';
import {
  applyDeploymentGroup,
  createDeploymentGroup,
  DEFAULT_GROUP_SPEC,
  getDeploymentGroup,
  getDeploymentGroupByName,
  listDeploymentGroups,
  listHostsForGroup,
  updateDeploymentGroup,
} from './deployment-groups.js';
import { enrollHost } from './hosts.js';

const config = (name: string): DeploymentConfig => {
  const resolved = resolveDeploymentConfig(name);
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.value;
};
const byEnv = (env: string): HostSelector => ({ tagFilters: [{ key: 'env', value: env, type: 'KEY_AND_VALUE' }], tagSet: [] });

describe('deployment groups store', () => {
  let temp: TempDatabase;
  let applicationId: string;
  const now = new Date('2030-01-01T00:00:00.000Z');
  const later = new Date('2030-01-02T00:00:00.000Z');
  beforeEach(() => {
    temp = openTempDatabase();
    const app = createApplication(temp.db, 'web', now);
    if (!app.ok) throw new Error('setup failed');
    applicationId = app.value.id;
  });
  afterEach(() => temp.cleanup());

  const create = (name: string, hostSelector = byEnv('prod')) =>
    createDeploymentGroup(
      temp.db,
      { applicationId, name, hostSelector, deploymentConfig: config('OneAtATime') },
      now,
    );

  it('creates a group and reads it back by id and by name', () => {
    const created = create('prod');
    expect(created).toEqual({
      ok: true,
      value: {
        id: expect.stringMatching(/^dg-/),
        applicationId,
        name: 'prod',
        hostSelector: byEnv('prod'),
        deploymentConfig: { name: 'CodeDeployDefault.OneAtATime', minimumHealthyHosts: { type: 'ALL_BUT_ONE' } },
        strategy: { type: 'inPlace' },
        healthChecks: [],
        alarms: [],
        autoRollbackEvents: [],
        autoRollback: false,
        outdatedInstances: 'UPDATE',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
    });
    if (!created.ok) return;
    expect(getDeploymentGroup(temp.db, created.value.id)).toEqual(created.value);
    expect(getDeploymentGroupByName(temp.db, applicationId, 'prod')).toEqual(created.value);
  });

  it('refuses a duplicate name within the application', () => {
    create('prod');
    expect(create('prod')).toEqual({ ok: false, error: 'ALREADY_EXISTS' });
    expect(listDeploymentGroups(temp.db, applicationId)).toHaveLength(1);
  });

  it('updates only the settings given', () => {
    const created = create('prod');
    if (!created.ok) throw new Error('setup failed');
    const updated = updateDeploymentGroup(temp.db, created.value.id, { deploymentConfig: config('AllAtOnce') }, later);
    expect(updated).toEqual({ ...created.value, deploymentConfig: config('AllAtOnce'), updatedAt: later.toISOString() });
    expect(updateDeploymentGroup(temp.db, 'dg-nope', { outdatedInstances: 'IGNORE' }, later)).toBeUndefined();
  });

  it('derives autoRollback from the events, and removes a traffic router given as undefined', () => {
    const created = create('prod');
    if (!created.ok) throw new Error('setup failed');
    const withRouter = updateDeploymentGroup(
      temp.db,
      created.value.id,
      { autoRollbackEvents: ['DEPLOYMENT_STOP_ON_ALARM'], trafficRouter: example.trafficRouter },
      later,
    );
    expect(withRouter).toMatchObject({ autoRollbackEvents: ['DEPLOYMENT_STOP_ON_ALARM'], autoRollback: false, trafficRouter: example.trafficRouter });
    const failure = updateDeploymentGroup(temp.db, created.value.id, { autoRollbackEvents: ['DEPLOYMENT_FAILURE'] }, later);
    expect(failure).toMatchObject({ autoRollback: true, trafficRouter: example.trafficRouter });
    const withoutRouter = updateDeploymentGroup(temp.db, created.value.id, { trafficRouter: undefined }, later);
    expect(withoutRouter).not.toHaveProperty('trafficRouter');
  });

  const example = GroupFile.parse(parse(EXAMPLE_GROUP_FILE));
  const exampleSettings = {
    hostSelector: { tagFilters: example.hosts.tags, tagSet: example.hosts.tagSet },
    deploymentConfig: config(example.deploymentConfig as string),
    strategy: example.strategy,
    trafficRouter: example.trafficRouter,
    healthChecks: example.healthChecks,
    alarms: example.alarms,
    autoRollbackEvents: example.autoRollback.events,
    outdatedInstances: example.outdatedInstances,
  };

  it('stores every setting of a group file and reads back the parsed form', () => {
    const { group } = applyDeploymentGroup(temp.db, { applicationId, name: 'web', ...exampleSettings }, now);
    expect(group).toMatchObject({ ...exampleSettings, autoRollback: true });
    expect(getDeploymentGroup(temp.db, group.id)).toEqual(group);
  });

  it('applies a group file: created, then unchanged for the same settings, then updated', () => {
    const first = applyDeploymentGroup(temp.db, { applicationId, name: 'web', ...exampleSettings }, now);
    expect(first.outcome).toBe('created');
    const same = applyDeploymentGroup(temp.db, { applicationId, name: 'web', ...exampleSettings }, later);
    expect(same).toEqual({ group: first.group, outcome: 'unchanged' });
    const changed = applyDeploymentGroup(temp.db, { applicationId, name: 'web', ...exampleSettings, ...DEFAULT_GROUP_SPEC, trafficRouter: undefined }, later);
    expect(changed.outcome).toBe('updated');
    expect(changed.group).toMatchObject({ id: first.group.id, strategy: { type: 'inPlace' }, updatedAt: later.toISOString() });
    expect(changed.group).not.toHaveProperty('trafficRouter');
  });

  it('lists the hosts the selector matches now', () => {
    const created = create('prod');
    if (!created.ok) throw new Error('setup failed');
    enrollHost(temp.db, { name: 'prod-1', tags: { env: 'prod' } }, now);
    enrollHost(temp.db, { name: 'staging-1', tags: { env: 'staging' } }, now);
    expect(listHostsForGroup(temp.db, created.value).map((host) => host.name)).toEqual(['prod-1']);
    enrollHost(temp.db, { name: 'prod-2', tags: { env: 'prod', role: 'web' } }, now);
    expect(listHostsForGroup(temp.db, created.value).map((host) => host.name)).toEqual(['prod-1', 'prod-2']);
  });
});
