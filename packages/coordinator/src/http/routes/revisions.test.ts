import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import type { RevisionView } from '../views.js';

const bundle = Buffer.from('pretend this is a tgz');
const sha256 = createHash('sha256').update(bundle).digest('hex');
const upload = (t: TestApp, body: RequestInit['body'], query = '?bundleType=tgz', app = 'web') =>
  t.api(`/api/v1/applications/${app}/revisions${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream' },
  });

describe('revision routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = createTestApp({ maxUploadBytes: 64 });
    await t.api('/api/v1/applications', { method: 'POST', json: { name: 'web' } });
  });
  afterEach(() => t.cleanup());

  it('stores an uploaded bundle once and registers it as a revision', async () => {
    const first = await upload(t, bundle);
    expect(first.status).toBe(201);
    const revision = await readJson<RevisionView>(first);
    expect(revision).toEqual({
      revisionId: expect.stringMatching(/^rev-/),
      applicationName: 'web',
      sha256,
      size: bundle.length,
      bundleType: 'tgz',
      createdAt: t.now.toISOString(),
    });
    expect(await t.blobs.has(sha256)).toBe(true);

    const again = await upload(t, bundle);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(revision);

    expect(await (await t.api(`/api/v1/revisions/${revision.revisionId}`)).json()).toEqual(revision);
    expect(await (await t.api('/api/v1/applications/web/revisions')).json()).toEqual([revision]);
  });

  it('streams an upload without a length', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bundle.subarray(0, 5));
        controller.enqueue(bundle.subarray(5));
        controller.close();
      },
    });
    const response = await t.app.request('/api/v1/applications/web/revisions?bundleType=zip', {
      method: 'POST',
      body: stream,
      headers: { authorization: `Bearer ${t.adminToken}` },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ sha256, bundleType: 'zip' });
  });

  it('refuses a bundle over the limit with 413 and keeps nothing', async () => {
    const response = await upload(t, Buffer.alloc(65));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'the bundle exceeds the limit of 64 bytes' });
    expect(readdirSync(join(t.dir, 'blobs', 'tmp'))).toEqual([]);
    expect(await (await t.api('/api/v1/applications/web/revisions')).json()).toEqual([]);
  });

  it.each([
    ['', /^bundleType: /],
    ['?bundleType=rar', /^bundleType: /],
  ])('refuses the query %j with 400', async (query, message) => {
    const response = await upload(t, bundle, query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(message) });
  });

  it('refuses an empty bundle with 400', async () => {
    const response = await upload(t, new Uint8Array());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('answers 404 for an unknown application or revision', async () => {
    expect((await upload(t, bundle, '?bundleType=tgz', 'nope')).status).toBe(404);
    expect((await t.api('/api/v1/applications/nope/revisions')).status).toBe(404);
    expect((await t.api('/api/v1/revisions/rev-nope')).status).toBe(404);
  });
});
