import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { ApplicationView } from '../views.js';

describe('applications routes', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.cleanup());

  it('creates, lists and gets applications', async () => {
    const created = await t.api('/api/v1/applications', { method: 'POST', json: { name: 'web' } });
    expect(created.status).toBe(201);
    const web = await created.json();
    expect(web).toEqual({ applicationId: expect.stringMatching(/^app-/), name: 'web', createdAt: t.now.toISOString() });
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'api' } });

    const list = await t.api('/api/v1/applications');
    expect((await readJson<ApplicationView[]>(list)).map((app) => app.name)).toEqual(['api', 'web']);
    expect(await (await t.api('/api/v1/applications/web')).json()).toEqual(web);
  });

  it('answers 409 ALREADY_EXISTS for a duplicate name', async () => {
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'web' } });
    const again = await t.api('/api/v1/applications', { method: 'POST', json: { name: 'web' } });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ code: 'ALREADY_EXISTS', message: "application 'web' already exists" });
  });

  it('answers 404 NOT_FOUND for an unknown application', async () => {
    const response = await t.api('/api/v1/applications/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: "application 'nope' not found" });
  });
});
