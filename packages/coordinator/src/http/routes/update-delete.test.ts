import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineRunner } from '../../runner/engine-runner.js';
import type { DeploymentFixture } from '../../testing/deployment-fixture.test-support.js';
import { createDeploymentTestApp } from '../../testing/deployment-test-app.test-support.js';
import type { FakeFleet } from '../../testing/fake-fleet.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { TestApp } from '../../testing/test-app.test-support.js';
import type { ApiErrorBody } from '../errors.js';
import type { ApplicationView, DeploymentGroupWrittenView, HostView } from '../views.js';

/** Updating and deleting applications and groups, and editing host tags, with a real runner behind the API. */
describe('the admin surface: update and delete', () => {
  let t: TestApp;
  let runner: EngineRunner;
  let fleet: FakeFleet;
  let web: DeploymentFixture;

  beforeEach(() => {
    ({ t, runner, fleet, web } = createDeploymentTestApp());
  });
  afterEach(() => {
    runner.close();
    t.cleanup();
  });

  const deploy = async (): Promise<string> => {
    const response = await t.api('/api/v1/deployments', {
      method: 'POST',
      json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[0]!.id },
    });
    return (await readJson<{ deploymentId: string }>(response)).deploymentId;
  };
  const finish = () => {
    for (let i = 0; i < 100 && fleet.pending().length > 0; i++) fleet.answerAll();
  };
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect((await readJson<ApiErrorBody>(response)).code).toBe(code);
  };

  describe('applications', () => {
    it('renames an application; its groups and deployments follow, and the old name is free', async () => {
      const id = await deploy();
      const renamed = await t.api('/api/v1/applications/web', { method: 'PATCH', json: { name: 'shop' } });
      expect(await readJson<ApplicationView>(renamed)).toMatchObject({ applicationId: web.application.id, name: 'shop' });
      expect((await t.api('/api/v1/applications/web')).status).toBe(404);
      expect((await t.api('/api/v1/applications/shop/deployment-groups/prod')).status).toBe(200);
      expect(await readJson<{ applicationName: string }>(await t.api(`/api/v1/deployments/${id}`))).toMatchObject({ applicationName: 'shop' });
    });

    it('refuses a rename onto another application, and unknown fields', async () => {
      await t.api('/api/v1/applications', { method: 'POST', json: { name: 'api' } });
      await expectError(await t.api('/api/v1/applications/web', { method: 'PATCH', json: { name: 'api' } }), 409, 'ALREADY_EXISTS');
      await expectError(await t.api('/api/v1/applications/web', { method: 'PATCH', json: { name: 'x', color: 1 } }), 400, 'VALIDATION_ERROR');
    });

    it('refuses to delete an application with groups unless forced, and never during a deployment', async () => {
      const conflict = await t.api('/api/v1/applications/web', { method: 'DELETE' });
      await expectError(conflict.clone(), 409, 'CONFLICT');
      expect((await readJson<ApiErrorBody>(conflict)).message).toMatch(/1 deployment group\(s\); delete them first, or delete them with it: baton app delete --force \(\?force in the API\)/);

      const id = await deploy();
      const active = await t.api('/api/v1/applications/web?force', { method: 'DELETE' });
      expect(await readJson<ApiErrorBody>(active)).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/1 active deployment/) });

      finish();
      expect((await t.api('/api/v1/applications/web?force', { method: 'DELETE' })).status).toBe(204);
      expect((await t.api('/api/v1/applications/web')).status).toBe(404);
      expect(await readJson<ApplicationView[]>(await t.api('/api/v1/applications'))).toEqual([]);
      // The history stays readable by id, and the name can be used again.
      expect(await readJson<{ status: string; applicationName: string }>(await t.api(`/api/v1/deployments/${id}`))).toMatchObject({
        status: 'Succeeded',
        applicationName: 'web',
      });
      expect((await t.api('/api/v1/applications', { method: 'POST', json: { name: 'web' } })).status).toBe(201);
      expect(await readJson<unknown[]>(await t.api('/api/v1/applications/web/deployment-groups'))).toEqual([]);
    });

    it('deletes an application without groups at once', async () => {
      await t.api('/api/v1/applications', { method: 'POST', json: { name: 'api' } });
      expect((await t.api('/api/v1/applications/api', { method: 'DELETE' })).status).toBe(204);
      await expectError(await t.api('/api/v1/applications/api', { method: 'DELETE' }), 404, 'NOT_FOUND');
    });
  });

  describe('deployment groups', () => {
    const group = '/api/v1/applications/web/deployment-groups/prod';

    it('changes only the fields a PATCH gives, and may rename the group', async () => {
      const response = await t.api(group, { method: 'PATCH', json: { name: 'production', outdatedInstances: 'IGNORE' } });
      const patched = await readJson<DeploymentGroupWrittenView>(response);
      expect(patched).toMatchObject({ name: 'production', outdatedInstances: 'IGNORE', deploymentConfig: web.group.deploymentConfig });
      expect(patched.hosts).toHaveLength(3);
      expect((await t.api(group)).status).toBe(404);
    });

    it('refuses a rename onto a sibling and changes nothing then', async () => {
      await t.api('/api/v1/applications/web/deployment-groups', { method: 'POST', json: { name: 'staging', hostSelector: { tagFilters: [], tagSet: [] } } });
      const refused = await t.api(group, { method: 'PATCH', json: { name: 'staging', outdatedInstances: 'IGNORE' } });
      await expectError(refused, 409, 'ALREADY_EXISTS');
      expect(await readJson<DeploymentGroupWrittenView>(await t.api(group))).toMatchObject({ outdatedInstances: 'UPDATE' });
    });

    it('refuses to delete a group while a deployment of it is unfinished, then deletes it', async () => {
      const id = await deploy();
      await expectError(await t.api(group, { method: 'DELETE' }), 409, 'CONFLICT');
      finish();
      expect((await t.api(group, { method: 'DELETE' })).status).toBe(204);
      expect((await t.api(group)).status).toBe(404);
      expect(await readJson<{ deploymentGroupName: string }>(await t.api(`/api/v1/deployments/${id}`))).toMatchObject({
        deploymentGroupName: 'prod',
      });
      // A deleted group takes no deployment, and its name is free again.
      const refused = await t.api('/api/v1/deployments', {
        method: 'POST',
        json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[0]!.id },
      });
      await expectError(refused, 404, 'NOT_FOUND');
      const again = await t.api('/api/v1/applications/web/deployment-groups', { method: 'POST', json: { name: 'prod', hostSelector: { tagFilters: [], tagSet: [] } } });
      expect(again.status).toBe(201);
    });
  });

  describe('deleted groups', () => {
    it('refuse a rollback of a finished deployment (409 CONFLICT), which then creates nothing', async () => {
      await deploy();
      finish();
      const second = await t.api('/api/v1/deployments', {
        method: 'POST',
        json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[1]!.id },
      });
      const id = (await readJson<{ deploymentId: string }>(second)).deploymentId;
      finish();
      expect((await t.api('/api/v1/applications/web/deployment-groups/prod', { method: 'DELETE' })).status).toBe(204);

      await expectError(await t.api(`/api/v1/deployments/${id}/rollback`, { method: 'POST' }), 409, 'CONFLICT');
      expect(t.db.prepare('SELECT count(*) AS n FROM deployments').get()).toEqual({ n: 2 });
      expect(await readJson<{ rollbackInfo?: unknown }>(await t.api(`/api/v1/deployments/${id}`))).not.toHaveProperty('rollbackInfo');
      expect(fleet.pending()).toEqual([]);
    });
  });

  describe('host tags', () => {
    it('sets and removes tags, which moves the host between groups', async () => {
      const host = web.hosts[0]!;
      const response = await t.api(`/api/v1/hosts/${host.id}/tags`, { method: 'PATCH', json: { set: { role: 'api', env: 'test' }, remove: ['role'] } });
      expect(await readJson<HostView>(response)).toMatchObject({ hostId: host.id, tags: { env: 'test' } });
      const prod = await readJson<DeploymentGroupWrittenView>(await t.api('/api/v1/applications/web/deployment-groups/prod'));
      expect(prod.hosts.map((h) => h.name)).toEqual(['web-2', 'web-3']);
    });

    it('refuses an empty edit and answers 404 for an unknown host', async () => {
      await expectError(await t.api(`/api/v1/hosts/${web.hosts[0]!.id}/tags`, { method: 'PATCH', json: {} }), 400, 'VALIDATION_ERROR');
      await expectError(await t.api('/api/v1/hosts/h-nope/tags', { method: 'PATCH', json: { remove: ['env'] } }), 404, 'NOT_FOUND');
    });
  });
});
