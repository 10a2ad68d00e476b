import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { revisionSigningPayload } from '@baton/shared';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../../testing/read-json.test-support.js';
import { startS3WithBundle } from '../../testing/s3-bundle.test-support.js';
import type { TestS3 } from '../../testing/s3-server.test-support.js';
import { createTestApp, type TestApp } from '../../testing/test-app.test-support.js';
import type { RevisionView } from '../views.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const upload = (t: TestApp, body: RequestInit['body'], query = '?bundleType=tgz', app = 'web') =>
  t.api(`/api/v1/applications/${app}/revisions${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream' },
  });

describe('revision routes', () => {
  let s3: TestS3;
  let bundle: Buffer;
  beforeAll(async () => ({ s3, bundle } = await startS3WithBundle()));
  afterAll(() => s3.close());

  let t: TestApp;
  beforeEach(async () => {
    t = createTestApp({ maxUploadBytes: 4096, revisions: { s3: s3.settings } });
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
      status: 'resolved',
      location: 'upload',
      source: { type: 'upload' },
      sha256: sha256(bundle),
      size: bundle.length,
      bundleType: 'tgz',
      signedBy: [],
      error: null,
      createdAt: t.now.toISOString(),
      firstDeployedAt: null,
      lastDeployedAt: null,
    });
    expect(await t.blobs.has(sha256(bundle))).toBe(true);

    const again = await upload(t, bundle);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(revision);

    expect(await (await t.api(`/api/v1/revisions/${revision.revisionId}`)).json()).toEqual({ ...revision, deployments: [] });
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
    const response = await t.app.request('/api/v1/applications/web/revisions?bundleType=tgz', {
      method: 'POST',
      body: stream,
      headers: { authorization: `Bearer ${t.adminToken}` },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ sha256: sha256(bundle), bundleType: 'tgz' });
  });

  it('refuses an upload whose bytes are not the declared archive with 422 INVALID_REVISION', async () => {
    const response = await upload(t, bundle, '?bundleType=zip');
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      code: 'INVALID_REVISION',
      message: 'the bundle: the bundle was taken for zip, but its bytes are a tgz archive (give the right bundle type)',
    });
    expect(await (await t.api('/api/v1/applications/web/revisions')).json()).toEqual([]);
  });

  it('registers a location (JSON body) and answers 422 with the reason when it cannot be resolved', async () => {
    const etag = await s3.put('routes/web.tgz', bundle);
    const registered = await t.api('/api/v1/applications/web/revisions', { method: 'POST', json: { location: { type: 's3', bucket: 'bundles', key: 'routes/web.tgz' } } });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ location: 's3://bundles/routes/web.tgz', source: { type: 's3', etag }, sha256: sha256(bundle) });
    const again = await t.api('/api/v1/applications/web/revisions', { method: 'POST', json: { location: { type: 's3', bucket: 'bundles', key: 'routes/web.tgz' } } });
    expect(again.status).toBe(200);
    const missing = await t.api('/api/v1/applications/web/revisions', { method: 'POST', json: { location: { type: 's3', bucket: 'bundles', key: 'routes/nope.tgz' } } });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ code: 'REVISION_MISSING', message: 's3://bundles/routes/nope.tgz not found: NotFound (HTTP 404)' });
    expect((await readJson<RevisionView[]>(await t.api('/api/v1/applications/web/revisions'))).length).toBe(1);
  });

  it('adds a signature checked against the public key sent with it', async () => {
    const revision = await readJson<RevisionView>(await upload(t, bundle));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const signature = (digest: string) => sign(null, Buffer.from(revisionSigningPayload(digest)), privateKey).toString('base64');
    const signatures = `/api/v1/revisions/${revision.revisionId}/signatures`;

    const wrong = await t.api(signatures, { method: 'POST', json: { publicKey: publicPem, signature: signature('0'.repeat(64)) } });
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ code: 'INVALID_SIGNATURE', message: expect.stringMatching(/^the signature does not verify/) });

    const signed = await t.api(signatures, { method: 'POST', json: { publicKey: publicPem, signature: signature(revision.sha256!) } });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ signedBy: [expect.stringMatching(/^[0-9a-f]{16}$/)] });

    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const notEd25519 = await t.api(signatures, { method: 'POST', json: { publicKey: rsa, signature: signature(revision.sha256!) } });
    expect(await notEd25519.json()).toMatchObject({ code: 'INVALID_SIGNATURE', message: 'expected an ed25519 key, got rsa' });
  });

  it('refuses a bundle over the limit with 413 and keeps nothing', async () => {
    const response = await upload(t, Buffer.alloc(4097));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'the bundle exceeds the limit of 4096 bytes' });
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
