import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrollHost } from '../../store/hosts.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { ApiErrorBody } from '../errors.js';
import type { DeploymentGroupDetailView, DeploymentGroupView } from '../views.js';

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
      autoRollback: false,
    });
    expect(group.hosts.map((host) => host.name)).toEqual(['prod-1']);
    expect(await (await t.api(`${groups}/prod`)).json()).toEqual(group);
  });

  it('takes a predefined or custom configuration and auto rollback', async () => {
    const half = await t.api(groups, {
      method: 'POST',
      json: { name: 'half', hostSelector: prodSelector, deploymentConfig: 'HalfAtATime', autoRollback: true },
    });
    expect(await half.json()).toMatchObject({ deploymentConfig: { name: 'CodeDeployDefault.HalfAtATime' }, autoRollback: true });
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
