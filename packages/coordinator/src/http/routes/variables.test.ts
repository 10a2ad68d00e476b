import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../../testing/read-json.test-support.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { loadSecretsKey } from '../../variables/secrets-key.js';
import { VariableVault } from '../../variables/variable-vault.js';
import type { RouteModule } from '../route-module.js';
import { variableRoutes, type VariableView } from './variables.js';

const SECRET = 'pa55-w0rd-in-plain-sight';

/** The routes over a vault with a key in the test app's data dir, as deployment-service.ts mounts them. */
const withVault: RouteModule = (api, deps) =>
  variableRoutes(new VariableVault(deps.db, loadSecretsKey({ dataDir: deps.dataDir }, deps.db)))(api, deps);

describe('variables routes', () => {
  let t: TestApp;
  let vault: VariableVault;
  beforeEach(async () => {
    t = createTestApp({ routes: [withVault] });
    vault = new VariableVault(t.db, loadSecretsKey({ dataDir: t.dir }, t.db));
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'shop' } });
    const group = { name: 'prod', hostSelector: { tagFilters: [{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }] } };
    expect((await t.api('/api/v1/applications/shop/deployment-groups', { method: 'POST', json: group })).status).toBe(201);
  });
  afterEach(() => t.cleanup());

  const put = (path: string, json: unknown) => t.api(`/api/v1/applications/shop${path}`, { method: 'PUT', json });
  const get = async <T>(path: string): Promise<T> => readJson<T>(await t.api(`/api/v1/applications/shop${path}`));

  it('sets, lists, gets and removes the variables of an application and of a group, secrets shown as ****', async () => {
    const region = await put('/variables/REGION', { value: 'eu-west' });
    expect(await readJson(region)).toEqual({ name: 'REGION', value: 'eu-west', secret: false, scope: 'application', updatedAt: t.now.toISOString() });
    const password = await put('/deployment-groups/prod/variables/DB_PASSWORD', { value: SECRET, secret: true });
    expect(password.status).toBe(200);
    const passwordText = await password.text();
    expect(passwordText).not.toContain(SECRET);
    expect(JSON.parse(passwordText)).toMatchObject({ name: 'DB_PASSWORD', value: '****', secret: true, scope: 'group' });

    expect((await get<VariableView[]>('/variables')).map(({ name }) => name)).toEqual(['REGION']);
    const groupVariables = await t.api('/api/v1/applications/shop/deployment-groups/prod/variables');
    expect(await groupVariables.clone().text()).not.toContain(SECRET);
    expect(await readJson(groupVariables)).toEqual([expect.objectContaining({ name: 'DB_PASSWORD', value: '****' })]);
    expect(await get('/deployment-groups/prod/variables/DB_PASSWORD')).toMatchObject({ value: '****', secret: true });
    expect(vault.forGroup(groupId(t)).secrets).toEqual({ DB_PASSWORD: SECRET });

    expect((await t.api('/api/v1/applications/shop/variables/REGION', { method: 'DELETE' })).status).toBe(204);
    expect((await t.api('/api/v1/applications/shop/variables/REGION', { method: 'DELETE' })).status).toBe(404);
    expect(await get('/variables')).toEqual([]);
  });

  it('keeps a secret secret when a new value is set without saying, and makes it plain only when asked', async () => {
    await put('/variables/TOKEN', { value: 'one', secret: true });
    expect(await readJson(await put('/variables/TOKEN', { value: 'two' }))).toMatchObject({ value: '****', secret: true });
    expect(vault.forGroup(groupId(t)).secrets).toEqual({ TOKEN: 'two' });
    expect(await readJson(await put('/variables/TOKEN', { value: 'three', secret: false }))).toMatchObject({ value: 'three', secret: false });
  });

  it.each([
    ['a name that is no environment variable', '/variables/9LIVES', { value: 'x' }, 'name: use 1 to 128 letters'],
    ['a name Baton sets itself', '/variables/DEPLOYMENT_ID', { value: 'x' }, 'name: Baton sets this name itself'],
    ['a name with a reserved prefix', '/variables/BUNDLE_KEY', { value: 'x' }, 'name: Baton sets this name itself'],
    ['a NUL character', '/variables/OK', { value: 'a\u0000b' }, 'value: an environment variable cannot hold a NUL character'],
    ['a value that is not text', '/variables/OK', { value: 1 }, 'value:'],
    ['an unknown field', '/variables/OK', { value: 'x', scope: 'group' }, 'scope'],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_, path, body, message) => {
    const response = await put(path, body);
    expect(response.status).toBe(400);
    const answer = await readJson<{ code: string; message: string }>(response);
    expect(answer.code).toBe('VALIDATION_ERROR');
    expect(answer.message).toContain(message);
  });

  it('answers 404 for an unknown application, group or variable', async () => {
    expect((await t.api('/api/v1/applications/nope/variables')).status).toBe(404);
    expect((await put('/deployment-groups/nope/variables/A', { value: 'x' })).status).toBe(404);
    expect(await readJson(await t.api('/api/v1/applications/shop/variables/MISSING'))).toEqual({ code: 'NOT_FOUND', message: "variable 'MISSING' not found" });
  });
});

const groupId = (t: TestApp): string =>
  t.db.prepare<[], { id: string }>("SELECT id FROM deployment_groups WHERE name = 'prod'").get()!.id;
