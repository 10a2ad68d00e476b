import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_GROUP_FILE } from '../../../../shared/src/group-spec/example-group-file.test-support.js';
import { enrollHost } from '../../store/hosts.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { ApiErrorBody } from '../errors.js';
import type { DeploymentGroupDetailView, DeploymentGroupView, DeploymentGroupWrittenView, GroupFileAppliedView } from '../views.js';

const groups = '/api/v1/applications/web/deployment-groups';
const prodSelector = { tagFilters: [{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }], tagSet: [] };

describe('deployment group routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = createTestApp();
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'web' } });
    enrollHost(t.db, { name: 'prod-1', tags: { env: 'prod' } }, t.now);
    enrollHost(t.db, { name: 'staging-1', tags: { env: 'staging' } }, t.now);
  });
  afterEach(() => t.cleanup());

  it('creates a group with the default configuration and shows the hosts it selects', async () => {
    const response = await t.api(groups, { method: 'POST', json: { name: 'prod', hostSelector: prodSelector } });
    expect(response.status).toBe(201);
    const group = await readJson<DeploymentGroupDetailView>(response);
    expect(group).toMatchObject({
      deploymentGroupId: expect.stringMatching(/^dg-/),
      applicationName: 'web',
      name: 'prod',
      hostSelector: prodSelector,
      deploymentConfig: { name: 'CodeDeployDefault.OneAtATime', minimumHealthyHosts: { type: 'ALL_BUT_ONE' } },
      strategy: { type: 'inPlace' },
      trafficRouter: null,
      healthChecks: [],
      alarms: [],
      autoRollbackEvents: [],
      autoRollback: false,
      outdatedInstances: 'UPDATE',
      warnings: [],
    });
    expect(group.hosts.map((host) => host.name)).toEqual(['prod-1']);
    const { warnings: _, ...stored } = group as DeploymentGroupWrittenView;
    expect(await (await t.api(`${groups}/prod`)).json()).toEqual(stored);
  });

  it('takes a predefined or custom configuration and auto rollback', async () => {
    const half = await t.api(groups, {
      method: 'POST',
      json: { name: 'half', hostSelector: prodSelector, deploymentConfig: 'HalfAtATime', autoRollback: true },
    });
    expect(await half.json()).toMatchObject({
      deploymentConfig: { name: 'CodeDeployDefault.HalfAtATime' },
      autoRollback: true,
      autoRollbackEvents: ['DEPLOYMENT_FAILURE'],
    });
    const custom = await t.api(groups, {
      method: 'POST',
      json: { name: 'custom', hostSelector: prodSelector, deploymentConfig: { minimumHealthyHosts: { type: 'HOST_COUNT', value: 6 } } },
    });
    expect(await custom.json()).toMatchObject({
      deploymentConfig: { name: 'Custom(HOST_COUNT:6)', minimumHealthyHosts: { type: 'HOST_COUNT', value: 6 } },
    });
    const list = await readJson<DeploymentGroupView[]>(await t.api(groups));
    expect(list.map((group) => group.name)).toEqual(['custom', 'half']);
    expect(list[0]).not.toHaveProperty('hosts');
  });

  it('updates the given settings and keeps the others', async () => {
    await t.api(groups, { method: 'POST', json: { name: 'prod', hostSelector: prodSelector, autoRollback: true } });
    t.now = new Date('2030-01-02T00:00:00.000Z');
    const response = await t.api(`${groups}/prod`, {
      method: 'PUT',
      json: { hostSelector: { tagFilters: [{ key: 'env', type: 'KEY_ONLY' }] }, deploymentConfig: 'AllAtOnce' },
    });
    expect(response.status).toBe(200);
    const group = await readJson<DeploymentGroupDetailView>(response);
    expect(group).toMatchObject({
      deploymentConfig: { name: 'CodeDeployDefault.AllAtOnce' },
      autoRollback: true,
      updatedAt: '2030-01-02T00:00:00.000Z',
    });
    expect(group.hosts.map((host) => host.name)).toEqual(['prod-1', 'staging-1']);
  });

  it('answers 409 for a duplicate group name', async () => {
    await t.api(groups, { method: 'POST', json: { name: 'prod', hostSelector: prodSelector } });
    const again = await t.api(groups, { method: 'POST', json: { name: 'prod', hostSelector: prodSelector } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it.each([
    [{ tagFilters: [{ key: 'env', type: 'KEY_AND_VALUE' }] }, /^hostSelector\.tagFilters\.0\.value: /],
    [{ tagFilters: [{ key: 'env', type: 'SOMETIMES' }] }, /^hostSelector\.tagFilters\.0\.type: /],
    [{ tagFilters: [{ key: 'a', type: 'KEY_ONLY' }], tagSet: [[{ key: 'b', type: 'KEY_ONLY' }]] }, /^hostSelector: use tagFilters or tagSet/],
    ['env=prod', /^hostSelector: /],
  ])('refuses the invalid selector %j with 400', async (hostSelector, message) => {
    const response = await t.api(groups, { method: 'POST', json: { name: 'bad', hostSelector } });
    expect(response.status).toBe(400);
    const body = await readJson<ApiErrorBody>(response);
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.message).toMatch(message);
  });

  it.each([['Sometimes'], [{ minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 100 } }]])(
    'refuses the invalid configuration %j with 400',
    async (deploymentConfig) => {
      const response = await t.api(groups, { method: 'POST', json: { name: 'bad', hostSelector: prodSelector, deploymentConfig } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^deploymentConfig: /) });
    },
  );

  it('answers 404 for an unknown application or group', async () => {
    const unknownApp = await t.api('/api/v1/applications/nope/deployment-groups', {
      method: 'POST',
      json: { name: 'prod', hostSelector: prodSelector },
    });
    expect(unknownApp.status).toBe(404);
    expect((await t.api(`${groups}/nope`)).status).toBe(404);
    expect((await t.api(`${groups}/nope`, { method: 'PUT', json: {} })).status).toBe(404);
  });
});

describe('deployment group routes: strategies and group files', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = createTestApp();
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'shop' } });
    enrollHost(t.db, { name: 'h1', tags: { role: 'web' } }, t.now);
  });
  afterEach(() => t.cleanup());

  const shopGroups = '/api/v1/applications/shop/deployment-groups';
  const webSelector = { tagFilters: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }] };
  const rolling = { type: 'rolling', rolling: { batches: [1, '50%'], bake: '90s', maxFailures: { total: 1 } } };
  const router = { type: 'haproxy', adminSocket: '/run/haproxy.sock', backend: 'app', servers: { h1: 'web1' } };
  const applyFile = (file: unknown) => t.api('/api/v1/group-files', { method: 'PUT', json: file });
  const example = () => parse(EXAMPLE_GROUP_FILE) as Record<string, unknown>;
  const refusal = async (response: Response) => ({ status: response.status, ...(await readJson<ApiErrorBody>(response)) });

  it('takes the strategy settings in the file shapes and answers in them, every default written out', async () => {
    const response = await t.api(shopGroups, {
      method: 'POST',
      json: {
        name: 'web',
        hostSelector: webSelector,
        strategy: rolling,
        trafficRouter: router,
        healthChecks: [{ type: 'command', command: 'true', interval: '10s' }],
        alarms: [{ name: 'hc', type: 'healthCheck' }],
        autoRollbackEvents: ['DEPLOYMENT_STOP_ON_ALARM'],
        outdatedInstances: 'IGNORE',
      },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      strategy: {
        type: 'rolling',
        rolling: { batches: [1, '50%'], bake: '90s', minHealthyPerZone: '0%', maxFailures: { perBatch: 0, total: 1 } },
      },
      trafficRouter: router,
      healthChecks: [{ type: 'command', command: 'true', interval: '10s', timeout: '2s', unhealthyAfter: 3 }],
      alarms: [{ name: 'hc', type: 'healthCheck' }],
      autoRollbackEvents: ['DEPLOYMENT_STOP_ON_ALARM'],
      autoRollback: false,
      outdatedInstances: 'IGNORE',
      warnings: [],
    });
  });

  it('updates part of the strategy settings, keeps the rest, and removes the router on null', async () => {
    await t.api(shopGroups, { method: 'POST', json: { name: 'web', hostSelector: webSelector, strategy: rolling, trafficRouter: router } });
    const canary = await t.api(`${shopGroups}/web`, { method: 'PUT', json: { strategy: { type: 'canary', canary: { hosts: '10%' } } } });
    expect(await canary.json()).toMatchObject({ strategy: { type: 'canary', canary: { hosts: '10%' } }, trafficRouter: router });
    const removed = await t.api(`${shopGroups}/web`, { method: 'PUT', json: { trafficRouter: null, autoRollback: true } });
    expect(await removed.json()).toMatchObject({ trafficRouter: null, autoRollbackEvents: ['DEPLOYMENT_FAILURE'], strategy: { type: 'canary' } });
  });

  it('refuses a blueGreen strategy without a traffic router, also when an update would leave one without', async () => {
    const blueGreen = { type: 'blueGreen', blueGreen: { environmentTag: 'env' } };
    expect(await refusal(await t.api(shopGroups, { method: 'POST', json: { name: 'bg', hostSelector: webSelector, strategy: blueGreen } }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/^trafficRouter: a blueGreen strategy needs a trafficRouter/),
    });
    await t.api(shopGroups, { method: 'POST', json: { name: 'bg', hostSelector: webSelector, strategy: blueGreen, trafficRouter: router } });
    const unrouted = await t.api(`${shopGroups}/bg`, { method: 'PUT', json: { trafficRouter: null } });
    expect(await refusal(unrouted)).toMatchObject({ status: 400, message: expect.stringMatching(/^trafficRouter: /) });
    expect(await (await t.api(`${shopGroups}/bg`)).json()).toMatchObject({ trafficRouter: router });
  });

  it.each([
    [{ strategy: { type: 'rolling', rolling: { bake: 'soon' } } }, /^strategy\.rolling\.bake: expected a duration such as 30s/],
    [{ strategy: { type: 'rolling', rolling: { batches: '150%' } } }, /^strategy\.rolling\.batches: /],
    [{ healthChecks: [{ type: 'http', url: 'not a url' }] }, /^healthChecks\.0\.url: /],
    [{ autoRollback: true, autoRollbackEvents: [] }, /^autoRollback: give autoRollback or autoRollbackEvents, not both/],
    [{ outdatedInstances: 'SOMETIMES' }, /^outdatedInstances: /],
    [{ colour: 'blue' }, /colour/],
  ])('refuses %j with a message naming the field', async (extra, message) => {
    const response = await t.api(shopGroups, { method: 'POST', json: { name: 'web', hostSelector: webSelector, ...extra } });
    expect(await refusal(response)).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', message: expect.stringMatching(message) });
  });

  it('applies the example group file: created with warnings, then unchanged, then updated', async () => {
    const created = await applyFile(example());
    expect(created.status).toBe(201);
    const group = await readJson<GroupFileAppliedView>(created);
    expect(group).toMatchObject({
      outcome: 'created',
      name: 'web',
      applicationName: 'shop',
      hostSelector: { tagFilters: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }], tagSet: [] },
      strategy: { type: 'canary', blueGreen: { terminationWait: '5m' } },
      autoRollback: true,
    });
    expect(group.hosts.map((host) => host.name)).toEqual(['h1']);
    expect(group.warnings).toEqual([
      { field: 'strategy.canary.match', message: expect.stringContaining('canaryBackend') },
      { field: 'trafficRouter.servers.h2', message: "no host named 'h2' is enrolled yet" },
    ]);

    const again = await applyFile(example());
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'unchanged', updatedAt: group.updatedAt });

    t.now = new Date('2030-01-02T00:00:00.000Z');
    const updated = await applyFile({ ...example(), outdatedInstances: 'IGNORE' });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ outcome: 'updated', outdatedInstances: 'IGNORE', updatedAt: t.now.toISOString() });
  });

  it('replaces every setting of an existing group, defaults for what the file leaves out', async () => {
    await t.api(shopGroups, { method: 'POST', json: { name: 'web', hostSelector: webSelector, strategy: rolling, autoRollback: true } });
    const minimal = { application: 'shop', name: 'web', hosts: { tagSet: [[{ key: 'role', type: 'KEY_ONLY' }]] } };
    const response = await applyFile(minimal);
    expect(await response.json()).toMatchObject({
      outcome: 'updated',
      hostSelector: { tagFilters: [], tagSet: [[{ key: 'role', type: 'KEY_ONLY' }]] },
      strategy: { type: 'inPlace' },
      autoRollbackEvents: [],
    });
  });

  it.each([
    [{ strategy: { type: 'rolling', rolling: { bake: 'soon' } } }, 400, /^strategy\.rolling\.bake: expected a duration such as 30s/],
    [{ strategy: { type: 'blueGreen', blueGreen: { environmentTag: 'env' } }, trafficRouter: undefined }, 400, /^trafficRouter: /],
    [{ deploymentConfig: 'TwoAtATime' }, 400, /^deploymentConfig: unknown deployment configuration/],
    [{ name: 'web/1' }, 400, /^name: /],
    [{ hosts: {} }, 400, /^hosts: give hosts as `tags` or as `tagSet`/],
    [{ application: 'nope' }, 404, /^application 'nope' not found/],
  ])('refuses the file with %j', async (change, status, message) => {
    expect(await refusal(await applyFile({ ...example(), ...change }))).toMatchObject({ status, message: expect.stringMatching(message) });
  });
});
