import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.test-support.js';
import { ApiError } from './errors.js';
import { MAX_JSON_BODY_BYTES } from './request-body.js';
import { ROUTE_DOCS } from './openapi/catalog.js';
import type { RouteDoc } from './openapi/route-doc.js';
import type { RouteModule } from './route-module.js';

/** A route module as the lead's deployments routes will plug in: mounted under /api/v1, behind the token. */
const probeRoutes: RouteModule = (api) => {
  api.get('/probe', (c) => c.json({ token: c.get('principal').name }));
  api.get('/probe/conflict', () => {
    throw new ApiError(409, 'ALREADY_EXISTS', 'already there');
  });
  api.get('/probe/bug', () => {
    throw new Error('a bug');
  });
};
const probeDocs: readonly RouteDoc[] = ['/probe', '/probe/conflict', '/probe/bug'].map((path) => ({
  method: 'get',
  path,
  summary: 'probe',
  tag: 'test',
  permission: 'read',
}));

describe('createApp', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp({ routes: [probeRoutes], routeDocs: [...ROUTE_DOCS, ...probeDocs] });
  });
  afterEach(() => t.cleanup());

  describe('bearer auth on /api/v1', () => {
    it('refuses a request without a token', async () => {
      const response = await t.app.request('/api/v1/applications');
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
    });

    it.each(['Bearer nope', 'Bearer tok-abc.wrong', 'Basic abc', 'Bearer'])('refuses %j', async (authorization) => {
      const response = await t.app.request('/api/v1/applications', { headers: { authorization } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('refuses unknown API paths without a token rather than revealing them', async () => {
      expect((await t.app.request('/api/v1/nothing-here')).status).toBe(401);
    });

    it('lets the admin token through to mounted route modules', async () => {
      const response = await t.api('/api/v1/probe');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ token: 'admin' });
    });
  });

  describe('error mapping', () => {
    it('answers an ApiError with its status and body', async () => {
      const response = await t.api('/api/v1/probe/conflict');
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual({ code: 'ALREADY_EXISTS', message: 'already there' });
    });

    it('answers a bug with a 500 that reveals nothing', async () => {
      const response = await t.api('/api/v1/probe/bug');
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error' });
    });

    it('answers an unknown route with 404 NOT_FOUND', async () => {
      for (const response of [await t.api('/api/v1/nothing-here'), await t.app.request('/elsewhere')]) {
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
      }
    });

    it.each(['{', 'not json', '{"name": "web",}'])('answers malformed JSON %j with 400 INVALID_JSON', async (body) => {
      const response = await t.api('/api/v1/applications', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'INVALID_JSON', message: 'the request body is not valid JSON' });
    });

    it.each([null, [], 'web', 42, { name: 42 }, { name: '' }, { name: 'a/b' }])(
      'answers the wrong shape %j with 400 VALIDATION_ERROR naming the field',
      async (json) => {
        const response = await t.api('/api/v1/applications', { method: 'POST', json });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { code: string; message: string };
        expect(body.code).toBe('VALIDATION_ERROR');
        expect(body.message).toMatch(/^(name|\(body\)): /);
      },
    );

    it('refuses an oversized JSON body with 413', async () => {
      const body = JSON.stringify({ name: 'x'.repeat(MAX_JSON_BODY_BYTES) });
      const response = await t.api('/api/v1/applications', { method: 'POST', body });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });
});
