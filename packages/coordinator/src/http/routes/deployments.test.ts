import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineRunner } from '../../runner/engine-runner.js';
import type { DeploymentView } from '../../store/deployment-read-model.js';
import { activeResources, expectNothingLeaked } from '../../testing/active-resources.test-support.js';
import { seedDeploymentFixture, type DeploymentFixture } from '../../testing/deployment-fixture.test-support.js';
import { createDeploymentTestApp } from '../../testing/deployment-test-app.test-support.js';
import type { FakeFleet } from '../../testing/fake-fleet.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { TestApp } from '../../testing/test-app.test-support.js';
import type { ApiErrorBody } from '../errors.js';

type Detail = DeploymentView & { version: number };

describe('deployment routes', () => {
  let t: TestApp;
  let runner: EngineRunner;
  let fleet: FakeFleet;
  let web: DeploymentFixture;
  let other: DeploymentFixture;
  let resources: string[];

  beforeEach(() => {
    resources = activeResources();
    ({ t, runner, fleet, web } = createDeploymentTestApp());
    other = seedDeploymentFixture(t.db, t.now, { applicationName: 'api', hostCount: 0, revisionCount: 1 });
  });
  afterEach(async () => {
    runner.close();
    t.cleanup();
    await expectNothingLeaked(resources);
  });

  const create = (json: unknown = {}, revision = 0) =>
    t.api('/api/v1/deployments', {
      method: 'POST',
      json: { applicationName: 'web', deploymentGroupName: 'prod', revisionId: web.revisions[revision]!.id, ...(json as object) },
    });
  const createId = async (revision = 0): Promise<string> => (await readJson<{ deploymentId: string }>(await create({}, revision))).deploymentId;
  const get = async (id: string): Promise<Detail> => readJson<Detail>(await t.api(`/api/v1/deployments/${id}`));
  const stop = (id: string, json?: unknown) => t.api(`/api/v1/deployments/${id}/stop`, { method: 'POST', ...(json === undefined ? {} : { json }) });
  const list = async (query: string): Promise<string[]> =>
    (await readJson<DeploymentView[]>(await t.api(`/api/v1/deployments${query}`))).map((d) => d.deploymentId);

  describe('POST /deployments', () => {
    it('creates a deployment that starts at once, and queues the next one', async () => {
      const response = await create({ description: 'first', fileExistsBehavior: 'OVERWRITE' });
      expect(response.status).toBe(201);
      const first = await readJson<{ deploymentId: string; status: string }>(response);
      expect(first).toEqual({ deploymentId: expect.stringMatching(/^d-/), status: 'InProgress', revisionId: expect.stringMatching(/^rev-/) });
      expect(await get(first.deploymentId)).toMatchObject({ fileExistsBehavior: 'OVERWRITE', ignoreApplicationStopFailures: false });

      expect(await readJson(await create({}, 1))).toMatchObject({ status: 'Queued' });
    });

    it.each([
      ['an unknown application', { applicationName: 'nope' }, "application 'nope' not found"],
      ['an unknown group', { deploymentGroupName: 'nope' }, "deployment group 'nope' not found in application 'web'"],
      ['an unknown revision', { revisionId: 'rev-nope' }, "revision 'rev-nope' not found in application 'web'"],
    ])('answers 404 for %s', async (_case, body, message) => {
      const response = await create(body);
      expect(response.status).toBe(404);
      expect(await readJson<ApiErrorBody>(response)).toEqual({ code: 'NOT_FOUND', message });
    });

    it("refuses a revision of another application", async () => {
      const response = await create({ revisionId: other.revisions[0]!.id });
      expect(response.status).toBe(404);
      expect(await readJson<ApiErrorBody>(response)).toMatchObject({ code: 'NOT_FOUND' });
    });

    it.each([
      ['no body', undefined],
      ['null', null],
      ['an array', []],
      ['a string', 'web'],
      ['no revision', { applicationName: 'web', deploymentGroupName: 'prod' }],
      ['an empty application name', { applicationName: '', deploymentGroupName: 'prod', revisionId: 'rev-x' }],
      ['a number as group', { applicationName: 'web', deploymentGroupName: 7, revisionId: 'rev-x' }],
      ['an unknown file-exists behaviour', { applicationName: 'web', deploymentGroupName: 'prod', revisionId: 'rev-x', fileExistsBehavior: 'MERGE' }],
      ['a non-boolean flag', { applicationName: 'web', deploymentGroupName: 'prod', revisionId: 'rev-x', ignoreApplicationStopFailures: 'yes' }],
      ['a description too long', { applicationName: 'web', deploymentGroupName: 'prod', revisionId: 'rev-x', description: 'x'.repeat(1001) }],
    ])('answers 400 VALIDATION_ERROR for %s', async (_case, json) => {
      const response = await t.api('/api/v1/deployments', { method: 'POST', ...(json === undefined ? {} : { json }) });
      expect(response.status).toBe(400);
      expect(await readJson<ApiErrorBody>(response)).toMatchObject({ code: 'VALIDATION_ERROR' });
    });

    it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
      const response = await t.api('/api/v1/deployments', { method: 'POST', body: '{"applicationName": ', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(await readJson<ApiErrorBody>(response)).toMatchObject({ code: 'INVALID_JSON' });
    });
  });

  describe('GET /deployments/:id', () => {
    it('shows the deployment with the reference field names, down to each lifecycle event', async () => {
      const id = await createId();
      fleet.answerNext('Succeeded');
      t.now = new Date(t.now.getTime() + 1500);
      fleet.answerNext('Failed');

      const view = await get(id);
      expect(view).toMatchObject({
        deploymentId: id,
        applicationName: 'web',
        deploymentGroupName: 'prod',
        status: 'Failed',
        creator: 'user',
        deploymentConfigName: 'CodeDeployDefault.OneAtATime',
        errorInformation: { code: 'HEALTH_CONSTRAINTS', message: expect.stringContaining('web-1: DownloadBundle failed (ScriptFailed: exit code 1)') },
        createTime: '2030-01-01T00:00:00.000Z',
        startTime: '2030-01-01T00:00:00.000Z',
        completeTime: '2030-01-01T00:00:01.500Z',
        deploymentOverview: { Failed: 1, Skipped: 2, Pending: 0, InProgress: 0, Succeeded: 0 },
        version: expect.any(Number),
      });
      expect(view).not.toHaveProperty('rollbackInfo');
      expect(view.instances!.map((i) => [i.name, i.status])).toEqual([
        ['web-1', 'Failed'],
        ['web-2', 'Skipped'],
        ['web-3', 'Skipped'],
      ]);
      const [stopEvent, download, beforeInstall] = view.instances![0]!.lifecycleEvents;
      expect(stopEvent).toEqual({
        lifecycleEventName: 'ApplicationStop',
        status: 'Succeeded',
        startTime: '2030-01-01T00:00:00.000Z',
        endTime: '2030-01-01T00:00:00.000Z',
        diagnostics: { errorCode: 'Success', message: '', logTail: '' },
      });
      expect(download).toEqual({
        lifecycleEventName: 'DownloadBundle',
        status: 'Failed',
        startTime: '2030-01-01T00:00:01.500Z',
        endTime: '2030-01-01T00:00:01.500Z',
        diagnostics: { errorCode: 'ScriptFailed', message: 'exit code 1', logTail: '' },
      });
      expect(beforeInstall).toEqual({ lifecycleEventName: 'BeforeInstall', status: 'Skipped' });
    });

    it('answers 404 for an unknown deployment', async () => {
      const response = await t.api('/api/v1/deployments/d-nope');
      expect(response.status).toBe(404);
      expect(await readJson<ApiErrorBody>(response)).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('GET /deployments', () => {
    it('lists newest first, filtered by application, group and status, up to a limit', async () => {
      const first = await createId(0);
      fleet.answerAll();
      const second = await createId(1);
      const third = await createId(2);

      expect(await list('')).toEqual([third, second, first]);
      expect(await list('?application=web&group=prod')).toEqual([third, second, first]);
      expect(await list('?application=api')).toEqual([]);
      expect(await list('?status=Succeeded')).toEqual([first]);
      expect(await list('?application=web&status=Queued')).toEqual([third]);
      expect(await list('?limit=2')).toEqual([third, second]);
      const summary = (await readJson<DeploymentView[]>(await t.api('/api/v1/deployments?status=InProgress')))[0]!;
      expect(summary.deploymentId).toBe(second);
      expect(summary).not.toHaveProperty('instances');
      expect(summary.deploymentOverview).toMatchObject({ InProgress: 1, Pending: 2 });
    });

    it.each([
      ['?application=web&group=nope', "deployment group 'nope' not found in application 'web'"],
      ['?group=prod', "deployment group 'prod' not found without its application: give application= too (--app in the CLI)"],
    ])('answers %s with 404 saying why', async (query, message) => {
      const response = await t.api(`/api/v1/deployments${query}`);
      expect(response.status).toBe(404);
      expect(await readJson<ApiErrorBody>(response)).toEqual({ code: 'NOT_FOUND', message });
    });

    it.each([
      ['?application=nope', 404],
      ['?status=Bogus', 400],
      ['?limit=0', 400],
      ['?limit=many', 400],
    ])('answers %s with %i', async (query, status) => {
      expect((await t.api(`/api/v1/deployments${query}`)).status).toBe(status);
    });
  });

  describe('POST /deployments/:id/stop', () => {
    it('stops a running deployment and answers its view', async () => {
      const id = await createId();
      const response = await stop(id);
      expect(response.status).toBe(200);
      expect(await readJson<DeploymentView>(response)).toMatchObject({ deploymentId: id, status: 'Stopped', errorInformation: { code: 'MANUAL_STOP' } });
    });

    it('stops with a rollback when asked', async () => {
      await createId(0);
      fleet.answerAll();
      const id = await createId(1);
      fleet.answerNext('Succeeded');
      const stopped = await readJson<DeploymentView>(await stop(id, { rollback: true }));
      expect(stopped.rollbackInfo).toMatchObject({ rollbackDeploymentId: expect.stringMatching(/^d-/) });
      expect(await get(stopped.rollbackInfo!.rollbackDeploymentId!)).toMatchObject({
        creator: 'rollback',
        status: 'InProgress',
        rollbackInfo: { rollbackTriggeringDeploymentId: id },
      });
    });

    it('answers 404 for an unknown deployment, 409 for a finished one, 400 for a bad body', async () => {
      expect((await stop('d-nope')).status).toBe(404);
      const id = await createId();
      expect((await stop(id, { rollback: 'please' })).status).toBe(400);
      await stop(id);
      const again = await stop(id);
      expect(again.status).toBe(409);
      expect(await readJson<ApiErrorBody>(again)).toEqual({ code: 'DEPLOYMENT_ALREADY_COMPLETED', message: `deployment '${id}' has already finished` });
    });
  });

  describe('GET /deployments/:id/wait', () => {
    const wait = async (id: string, query: string) => {
      const response = await t.api(`/api/v1/deployments/${id}/wait${query}`);
      expect(response.status).toBe(200);
      return (await readJson<{ version: number }>(response)).version;
    };

    it('answers at once when the version differs from the one the client saw', async () => {
      const id = await createId();
      const { version } = await get(id);
      expect(version).toBeGreaterThan(0);
      const started = Date.now();
      expect(await wait(id, '?after=0&timeoutMs=5000')).toBe(version);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('answers on the next change otherwise', async () => {
      const id = await createId();
      const { version } = await get(id);
      let answered = false;
      const waiting = wait(id, `?after=${version}&timeoutMs=10000`).finally(() => (answered = true));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(answered).toBe(false);

      fleet.answerNext('Succeeded');
      expect(await waiting).toBeGreaterThan(version);
    });

    it('answers at the timeout at the latest, with the same version', async () => {
      const id = await createId();
      const { version } = await get(id);
      const started = Date.now();
      expect(await wait(id, `?after=${version}&timeoutMs=50`)).toBe(version);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    });

    it('answers 404 for an unknown deployment and 400 without `after`', async () => {
      expect((await t.api('/api/v1/deployments/d-nope/wait?after=0')).status).toBe(404);
      const id = await createId();
      expect((await t.api(`/api/v1/deployments/${id}/wait`)).status).toBe(400);
      expect((await t.api(`/api/v1/deployments/${id}/wait?after=0&timeoutMs=600000`)).status).toBe(400);
    });
  });
});
