import { AgentPaths, type EnrollResponse } from '@baton/shared';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getHost } from '../../store/hosts.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';

const facts = { hostname: 'web-1', platform: 'linux', os: 'Debian', arch: 'x64', release: '12' };

describe('agent routes', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.cleanup());

  const newToken = async (ttlSeconds = 3600): Promise<{ id: string; token: string }> =>
    readJson(await t.api('/api/v1/enrollment-tokens', { method: 'POST', json: { ttlSeconds } }));
  const enroll = (body: unknown) =>
    t.app.request(AgentPaths.enroll, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  describe('enroll', () => {
    it('enrolls hosts with a reusable token and returns each its own credential', async () => {
      const { token } = await newToken();
      const first = await enroll({ token, name: 'web-1', tags: { env: 'prod' }, facts });
      expect(first.status).toBe(201);
      const enrolled = await readJson<EnrollResponse>(first);
      expect(enrolled).toEqual({ hostId: expect.stringMatching(/^h-/), credential: expect.stringMatching(/^h-\w+\./) });
      expect(getHost(t.db, enrolled.hostId)).toMatchObject({ name: 'web-1', tags: { env: 'prod' }, facts });

      const second = await enroll({ token, name: 'web-2' });
      expect(second.status).toBe(201);
      expect((await readJson<EnrollResponse>(second)).hostId).not.toBe(enrolled.hostId);
    });

    it('refuses an unknown, expired or revoked token with 401', async () => {
      expect((await enroll({ token: 'et-nope.secret', name: 'web-1' })).status).toBe(401);

      const expiring = await newToken(60);
      t.now = new Date(t.now.getTime() + 60_000);
      const expired = await enroll({ token: expiring.token, name: 'web-1' });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'the enrollment token is unknown, expired or revoked' });

      const revoked = await newToken();
      await t.api(`/api/v1/enrollment-tokens/${revoked.id}`, { method: 'DELETE' });
      expect((await enroll({ token: revoked.token, name: 'web-1' })).status).toBe(401);
    });

    it('refuses a malformed request with 400', async () => {
      const { token } = await newToken();
      expect(await (await enroll({ token })).json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/^name: /) });
      const badJson = await t.app.request(AgentPaths.enroll, { method: 'POST', body: '{"token":' });
      expect(badJson.status).toBe(400);
      expect(await badJson.json()).toMatchObject({ code: 'INVALID_JSON' });
    });
  });

  describe('revision download', () => {
    const content = Buffer.from('0123456789');
    let sha256: string;
    let credential: string;
    beforeEach(async () => {
      const stored = await t.blobs.putStream(Readable.from([content]));
      if (!stored.ok) throw new Error('setup failed');
      sha256 = stored.value.sha256;
      credential = (await readJson<EnrollResponse>(await enroll({ token: (await newToken()).token, name: 'web-1' }))).credential;
    });
    const download = (path: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { authorization: `Bearer ${credential}`, ...headers } });

    it('streams the whole bundle to an enrolled host', async () => {
      const response = await download(AgentPaths.revision(sha256));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe('10');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(await response.text()).toBe('0123456789');
    });

    it('resumes from an offset with 206', async () => {
      const response = await download(AgentPaths.revision(sha256), { range: 'bytes=4-' });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe('bytes 4-9/10');
      expect(response.headers.get('content-length')).toBe('6');
      expect(await response.text()).toBe('456789');
    });

    it('answers 416 for a range past the end', async () => {
      const response = await download(AgentPaths.revision(sha256), { range: 'bytes=10-' });
      expect(response.status).toBe(416);
      expect(response.headers.get('content-range')).toBe('bytes */10');
      expect(await response.json()).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
    });

    it('refuses a request without a valid host credential with 401', async () => {
      expect((await t.app.request(AgentPaths.revision(sha256))).status).toBe(401);
      const wrong = await download(AgentPaths.revision(sha256), { authorization: `Bearer ${credential}x` });
      expect(wrong.status).toBe(401);
      const adminToken = await download(AgentPaths.revision(sha256), { authorization: `Bearer ${t.adminToken}` });
      expect(adminToken.status).toBe(401);
    });

    it('answers 404 for a bundle it does not have', async () => {
      expect((await download(AgentPaths.revision('0'.repeat(64)))).status).toBe(404);
      expect((await download(AgentPaths.revision('not-a-digest'))).status).toBe(404);
    });
  });
});
