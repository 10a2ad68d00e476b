import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../http/errors.js';
import type { AuditEntryView } from '../http/routes/audit.js';
import type { ApiTokenView, CreatedApiTokenView } from '../http/routes/tokens.js';
import type { ApplicationView } from '../http/views.js';
import type { EngineRunner } from '../runner/engine-runner.js';
import type { DeploymentView } from '../store/deployment-read-model.js';
import { seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { createDeploymentTestApp } from '../testing/deployment-test-app.test-support.js';
import { readJson } from '../testing/read-json.test-support.js';
import { createTestApp, type TestApp } from '../testing/test-app.test-support.js';

describe('access control on /api/v1', () => {
  let t: TestApp;
  let runner: EngineRunner;
  let web: DeploymentFixture;
  let other: DeploymentFixture;
  beforeEach(() => {
    ({ t, runner, web } = createDeploymentTestApp());
    other = seedDeploymentFixture(t.db, t.now, { applicationName: 'api', hostCount: 0, revisionCount: 1 });
  });
  afterEach(() => {
    runner.close();
    t.cleanup();
  });

  /** Creates a token as the bootstrap admin. */
  const issue = async (json: object): Promise<CreatedApiTokenView> => {
    const response = await t.api('/api/v1/tokens', { method: 'POST', json });
    expect(response.status).toBe(201);
    return readJson<CreatedApiTokenView>(response);
  };
  /** `app.request` with `token`, a JSON body when given, and a client socket address as the Node server would pass. */
  const as = (token: string, path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
    t.app.request(
      path,
      {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      },
      { incoming: { socket: { remoteAddress: '10.0.0.7' } } },
    );
  const deployBody = (fixture: DeploymentFixture) => ({
    applicationName: fixture.application.name,
    deploymentGroupName: 'prod',
    revisionId: fixture.revisions[0]!.id,
  });
  const createDeployment = async (fixture: DeploymentFixture): Promise<string> => {
    const response = await t.api('/api/v1/deployments', { method: 'POST', json: deployBody(fixture) });
    return (await readJson<{ deploymentId: string }>(response)).deploymentId;
  };
  const forbidden = async (response: Response) => ({ status: response.status, ...(await readJson<ApiErrorBody>(response)) });

  it('lets a viewer read but not deploy, naming the missing permission', async () => {
    const { token } = await issue({ role: 'viewer', name: 'watcher' });
    expect((await as(token, '/api/v1/applications')).status).toBe(200);
    expect(await forbidden(await as(token, '/api/v1/deployments', { method: 'POST', json: deployBody(web) }))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: "token 'watcher' (viewer) lacks the 'deploy' permission",
    });
  });

  it('lets a deployer deploy, stop and roll back, but not change groups, applications or tokens', async () => {
    const { token } = await issue({ role: 'deployer' });
    const created = await as(token, '/api/v1/deployments', { method: 'POST', json: deployBody(web) });
    expect(created.status).toBe(201);
    const { deploymentId } = await readJson<{ deploymentId: string }>(created);
    expect((await as(token, `/api/v1/deployments/${deploymentId}/stop`, { method: 'POST', json: { rollback: true } })).status).toBe(200);

    const groupChange = await as(token, '/api/v1/applications/web/deployment-groups/prod', { method: 'PUT', json: { autoRollback: true } });
    expect(await forbidden(groupChange)).toMatchObject({ status: 403, message: expect.stringContaining("lacks the 'administer' permission") });
    expect((await as(token, '/api/v1/applications', { method: 'POST', json: { name: 'new' } })).status).toBe(403);
    expect((await as(token, '/api/v1/tokens')).status).toBe(403);
  });

  it('shows a token limited to an application only that application, and refuses the others', async () => {
    const apiDeployment = await createDeployment(other);
    const webDeployment = await createDeployment(web);
    const { token } = await issue({ role: 'deployer', applications: ['web'] });

    expect((await readJson<ApplicationView[]>(await as(token, '/api/v1/applications'))).map((a) => a.name)).toEqual(['web']);
    expect((await readJson<DeploymentView[]>(await as(token, '/api/v1/deployments'))).map((d) => d.deploymentId)).toEqual([webDeployment]);
    expect((await as(token, `/api/v1/deployments/${webDeployment}`)).status).toBe(200);

    expect(await forbidden(await as(token, `/api/v1/deployments/${apiDeployment}`))).toMatchObject({
      status: 403,
      message: "token 'deployer' (deployer, limited to web) lacks the 'read' permission for application 'api'",
    });
    expect((await as(token, '/api/v1/deployments?application=api')).status).toBe(403);
    expect((await as(token, '/api/v1/applications/api/deployment-groups')).status).toBe(403);
    expect((await as(token, `/api/v1/revisions/${other.revisions[0]!.id}`)).status).toBe(403);
    expect((await as(token, '/api/v1/deployments', { method: 'POST', json: deployBody(other) })).status).toBe(403);
    expect((await as(token, `/api/v1/deployments/${apiDeployment}/stop`, { method: 'POST' })).status).toBe(403);
    // Hosts belong to no application: reading them needs the role alone.
    expect((await as(token, '/api/v1/hosts')).status).toBe(200);
  });

  it('lets an admin limited to an application administer it, but nothing beyond it', async () => {
    const { token } = await issue({ role: 'admin', applications: ['web'] });
    expect((await as(token, '/api/v1/applications/web/deployment-groups/prod', { method: 'PUT', json: { autoRollback: true } })).status).toBe(200);
    expect((await as(token, '/api/v1/applications/api/deployment-groups/prod', { method: 'PUT', json: { autoRollback: true } })).status).toBe(403);
    expect(await forbidden(await as(token, '/api/v1/tokens'))).toMatchObject({
      status: 403,
      message: expect.stringContaining('only an admin token not limited to applications has it'),
    });
    expect((await as(token, '/api/v1/audit')).status).toBe(403);
    expect((await as(token, `/api/v1/hosts/${web.hosts[0]!.id}/tags`, { method: 'PATCH', json: { set: { zone: 'b' } } })).status).toBe(403);
  });

  it('refuses expired and revoked tokens', async () => {
    const expiring = await issue({ role: 'viewer', ttlSeconds: 60 });
    const revoked = await issue({ role: 'admin' });
    expect((await as(expiring.token, '/api/v1/applications')).status).toBe(200);
    t.now = new Date(t.now.getTime() + 60_000);
    expect(await forbidden(await as(expiring.token, '/api/v1/applications'))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    expect((await t.api(`/api/v1/tokens/${revoked.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await as(revoked.token, '/api/v1/applications')).status).toBe(401);
  });

  it('renames follow a limited token: it is limited by application id, shown by current name', async () => {
    const { token } = await issue({ role: 'viewer', applications: ['web'] });
    expect((await t.api('/api/v1/applications/web', { method: 'PATCH', json: { name: 'site' } })).status).toBe(200);
    expect((await as(token, '/api/v1/applications/site')).status).toBe(200);
    const list = await readJson<ApiTokenView[]>(await t.api('/api/v1/tokens'));
    expect(list.find((listed) => listed.role === 'viewer')?.applications).toEqual(['site']);
  });

  describe('the audit log', () => {
    const audit = async (query = '') => readJson<AuditEntryView[]>(await t.api(`/api/v1/audit${query}`));

    it('records every change, refused ones too, with the actor, the route, the outcome and the addresses', async () => {
      const deployer = await issue({ role: 'deployer', name: 'ci' });
      const created = await as(deployer.token, '/api/v1/deployments', {
        method: 'POST',
        json: deployBody(web),
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      const { deploymentId } = await readJson<{ deploymentId: string }>(created);
      await as(deployer.token, '/api/v1/applications/web/deployment-groups/prod', { method: 'PUT', json: { autoRollback: true } });
      await as(deployer.token, `/api/v1/deployments/${deploymentId}`);

      const [refused, deployed] = await audit();
      expect(deployed).toEqual({
        seq: expect.any(Number),
        at: t.now.toISOString(),
        actor: { tokenId: deployer.id, name: 'ci' },
        action: 'POST /deployments',
        target: '/deployments',
        source: { channel: 'api', address: '10.0.0.7', forwardedFor: '203.0.113.9' },
        status: 201,
        detail: { application: 'web', summary: expect.any(String) },
      });
      expect(refused).toMatchObject({
        action: 'PUT /applications/{app}/deployment-groups/{group}',
        target: '/applications/web/deployment-groups/prod',
        status: 403,
        detail: { params: { app: 'web', group: 'prod' }, application: 'web' },
      });
    });

    it('never records a secret: the created token appears nowhere in the log', async () => {
      const { token } = await issue({ role: 'viewer' });
      const entries = await audit();
      expect(entries[0]).toMatchObject({ action: 'POST /tokens', status: 201 });
      expect(JSON.stringify(entries)).not.toContain(token.split('.')[1]);
    });

    it('filters by time and limit, newest first, for unlimited admins only', async () => {
      await t.api('/api/v1/applications', { method: 'POST', json: { name: 'one' } });
      t.now = new Date(t.now.getTime() + 3_600_000);
      await t.api('/api/v1/applications', { method: 'POST', json: { name: 'two' } });
      await t.api('/api/v1/applications', { method: 'POST', json: { name: 'three' } });
      expect(await audit()).toHaveLength(3);
      const since = await audit(`?since=${encodeURIComponent(t.now.toISOString())}`);
      expect(since.map((entry) => entry.target)).toEqual(['/applications', '/applications']);
      expect(since.map((entry) => entry.at)).toEqual([t.now.toISOString(), t.now.toISOString()]);
      expect(await audit('?limit=1')).toHaveLength(1);
      const viewer = await issue({ role: 'viewer' });
      expect((await as(viewer.token, '/api/v1/audit')).status).toBe(403);
    });

    it('refuses to UPDATE or DELETE a recorded entry', async () => {
      await t.api('/api/v1/applications', { method: 'POST', json: { name: 'one' } });
      expect(() => t.db.prepare("UPDATE audit_log SET actor_name = 'someone else'").run()).toThrow(/append-only/);
      expect(() => t.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
      expect(await audit()).toHaveLength(1);
    });
  });
});

describe('token management', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.cleanup());

  it('shows a created token once and never lists secrets', async () => {
    const response = await t.api('/api/v1/tokens', { method: 'POST', json: { role: 'viewer', ttlSeconds: 3600 } });
    expect(response.status).toBe(201);
    const created = await readJson<CreatedApiTokenView>(response);
    expect(created).toEqual({
      id: expect.stringMatching(/^tok-/),
      token: expect.stringMatching(new RegExp(`^${created.id}\\.`)),
      name: 'viewer',
      role: 'viewer',
      applications: null,
      state: 'active',
      expiresAt: new Date(t.now.getTime() + 3_600_000).toISOString(),
      revokedAt: null,
      createdAt: t.now.toISOString(),
    });
    const listed = await readJson<ApiTokenView[]>(await t.api('/api/v1/tokens'));
    expect(listed.map((token) => token.name)).toEqual(['admin', 'viewer']);
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it('refuses an unknown application, an unknown role and an unknown token', async () => {
    expect((await t.api('/api/v1/tokens', { method: 'POST', json: { role: 'viewer', applications: ['nope'] } })).status).toBe(404);
    expect((await t.api('/api/v1/tokens', { method: 'POST', json: { role: 'root' } })).status).toBe(400);
    expect((await t.api('/api/v1/tokens/tok-nope', { method: 'DELETE' })).status).toBe(404);
  });

  it('keeps the last unlimited admin token', async () => {
    const [admin] = await readJson<ApiTokenView[]>(await t.api('/api/v1/tokens'));
    const response = await t.api(`/api/v1/tokens/${admin!.id}`, { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(await readJson<ApiErrorBody>(response)).toMatchObject({ code: 'LAST_ADMIN_TOKEN' });
  });

  it('refuses by default a route that has no doc, however it was registered', async () => {
    const probe = createTestApp({
      routes: [
        (api) => {
          api.post('/undocumented', (c) => c.json({}));
          api.all('/any-method', (c) => c.json({}));
        },
      ],
      routeDocs: [{ method: 'get', path: '/any-method', summary: 'probe', tag: 'test', permission: 'read' }],
    });
    try {
      const response = await probe.api('/api/v1/undocumented', { method: 'POST' });
      expect(await readJson<ApiErrorBody>(response)).toEqual({ code: 'FORBIDDEN', message: 'POST /undocumented has no access rule, so it is refused' });
      expect((await probe.api('/api/v1/any-method')).status).toBe(200);
      expect((await probe.api('/api/v1/any-method', { method: 'HEAD' })).status).toBe(200);
      expect((await probe.api('/api/v1/any-method', { method: 'DELETE' })).status).toBe(403);
    } finally {
      probe.cleanup();
    }
  });
});
