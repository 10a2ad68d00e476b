import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../config.js';
import { createApplication } from '../store/applications.js';
import { APPSPEC, makeArchive } from '../testing/bundle-archives.test-support.js';
import { startTestGitServer, type TestGitServer } from '../testing/git-server.test-support.js';
import { startTestS3, type TestS3 } from '../testing/s3-server.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { BlobStore } from './blob-store.js';
import { RevisionResolver, type ResolverConfig } from './revision-resolver.js';
import type { RevisionLocation } from './revision-location.js';

/** The resolved revision, or a failure that shows the resolver's reason. */
function resolved<T, E>(result: { ok: true; value: T } | { ok: false; error: E }): T {
  if (!result.ok) throw new Error(`not resolved: ${JSON.stringify(result.error)}`);
  return result.value;
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const TOKEN = 's3cr3t-t0ken';

describe('RevisionResolver against real servers', () => {
  let s3: TestS3;
  let git: TestGitServer;
  let privateGit: TestGitServer;
  let web: Server;
  let webUrl: string;
  const served = new Map<string, Buffer>();
  let tgz: Buffer;
  let zip: Buffer;

  beforeAll(async () => {
    [s3, git, privateGit] = await Promise.all([startTestS3(), startTestGitServer(), startTestGitServer({ token: TOKEN })]);
    tgz = await makeArchive('tgz', { 'appspec.yml': APPSPEC, 'app/index.html': 'v1' });
    zip = await makeArchive('zip', { 'appspec.yml': APPSPEC, 'app/index.html': 'v2' });
    web = createServer((request, response) => {
      const body = served.get(new URL(request.url ?? '/', 'http://x').pathname);
      if (body) response.writeHead(200).end(body);
      else response.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all([s3.close(), git.close(), privateGit.close(), new Promise((resolve) => web.close(resolve))]);
  });

  let temp: TempDatabase;
  let blobs: BlobStore;
  let resolver: RevisionResolver;
  let applicationId: string;
  const start = (overrides: Partial<ResolverConfig> = {}) => {
    const config = parseServerConfig({ dataDir: temp.dir, s3: s3.settings, git: { githubUrl: git.baseUrl, bitbucketUrl: privateGit.baseUrl } });
    if (!config.ok) throw new Error(config.error);
    resolver?.close();
    resolver = new RevisionResolver(temp.db, blobs, { ...config.value, ...overrides }, pino({ level: 'silent' }), () => new Date('2030-01-01T00:00:00Z'));
  };
  beforeEach(() => {
    temp = openTempDatabase();
    blobs = new BlobStore(temp.dir);
    const app = createApplication(temp.db, 'web', new Date());
    if (!app.ok) throw new Error('setup');
    applicationId = app.value.id;
    start();
  });
  afterEach(() => {
    resolver.close();
    temp.cleanup();
  });
  const resolve = (location: RevisionLocation) => resolver.resolve(applicationId, location);

  describe('S3', () => {
    it('fetches a tgz and a zip, records the exact object, and fetches each object once', async () => {
      const tgzEtag = await s3.put('web/v1.tgz', tgz);
      await s3.put('web/v2.zip', zip);
      const first = await resolve({ type: 's3', bucket: 'bundles', key: 'web/v1.tgz' });
      expect(first).toMatchObject({
        ok: true,
        value: {
          created: true,
          revision: { sha256: sha256(tgz), size: tgz.length, bundleType: 'tgz', location: 's3://bundles/web/v1.tgz', source: { type: 's3', bucket: 'bundles', key: 'web/v1.tgz', etag: tgzEtag } },
        },
      });
      const gets = s3.gets();
      const again = await resolve({ type: 's3', bucket: 'bundles', key: 'web/v1.tgz', etag: `"${tgzEtag}"` });
      expect(again.ok && again.value).toMatchObject({ created: false, revision: { id: first.ok && first.value.revision.id } });
      expect(s3.gets()).toBe(gets);
      const fromZip = await resolve({ type: 's3', bucket: 'bundles', key: 'web/v2.zip' });
      expect(fromZip.ok && fromZip.value.revision).toMatchObject({ sha256: sha256(zip), bundleType: 'zip' });
    });

    it('records a version id it was given (s3rver has no versioning: the real check is against AWS)', async () => {
      await s3.put('web/versioned.tgz', tgz);
      const resolved = await resolve({ type: 's3', bucket: 'bundles', key: 'web/versioned.tgz', versionId: 'v-123' });
      expect(resolved.ok && resolved.value.revision.source).toMatchObject({ versionId: 'v-123' });
    });

    it('refuses a wrong ETag before downloading anything', async () => {
      await s3.put('web/etag.tgz', tgz);
      const gets = s3.gets();
      const resolved = await resolve({ type: 's3', bucket: 'bundles', key: 'web/etag.tgz', etag: 'deadbeef' });
      expect(resolved).toEqual({
        ok: false,
        error: { code: 'INVALID_REVISION', location: 's3://bundles/web/etag.tgz', message: expect.stringMatching(/has ETag \w+, not the expected deadbeef$/) },
      });
      expect(s3.gets()).toBe(gets);
    });

    it('says REVISION_MISSING for a missing key or bucket', async () => {
      expect(await resolve({ type: 's3', bucket: 'bundles', key: 'nope.tgz' })).toMatchObject({
        ok: false,
        error: { code: 'REVISION_MISSING', message: 's3://bundles/nope.tgz not found: NotFound (HTTP 404)' },
      });
      expect(await resolve({ type: 's3', bucket: 'no-such-bucket', key: 'a.tgz' })).toMatchObject({ ok: false, error: { code: 'REVISION_MISSING' } });
    });

    it('refuses bytes that are not the declared type, or no archive at all', async () => {
      await s3.put('web/lies.zip', tgz);
      await s3.put('web/readme.txt', 'just text');
      expect(await resolve({ type: 's3', bucket: 'bundles', key: 'web/lies.zip' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REVISION', message: expect.stringMatching(/taken for zip, but its bytes are a tgz archive/) },
      });
      expect(await resolve({ type: 's3', bucket: 'bundles', key: 'web/readme.txt' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REVISION', message: expect.stringMatching(/not a zip, tar or gzip archive/) },
      });
    });

    it('refuses a bundle over the entry or unpacked-size limit (a bomb) while listing it', async () => {
      await s3.put('web/many.tgz', tgz);
      start({ maxBundleEntries: 1 });
      expect(await resolve({ type: 's3', bucket: 'bundles', key: 'web/many.tgz' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REVISION', message: expect.stringMatching(/more than 1 entries/) },
      });
      const bomb = await makeArchive('zip', { 'appspec.yml': APPSPEC, 'zeros.bin': '0'.repeat(1_000_000) });
      await s3.put('web/bomb.zip', bomb);
      start({ maxUnpackedBytes: 100_000 });
      expect(await resolve({ type: 's3', bucket: 'bundles', key: 'web/bomb.zip' })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REVISION', message: expect.stringMatching(/unpacks to more than 100000 bytes \(reached at entry "zeros.bin"\)/) },
      });
    });
  });

  describe('Git', () => {
    it('packs a commit of a github: repository as tgz, and a branch or annotated tag as the commit it names', async () => {
      const commit = await git.createRepo('acme/web.git', { 'appspec.yml': APPSPEC, 'app/index.html': 'v1' }, { tag: 'v1.0' });
      const byCommit = await resolve({ type: 'github', repository: 'acme/web', ref: commit });
      expect(byCommit).toMatchObject({
        ok: true,
        value: { revision: { bundleType: 'tgz', location: `${git.baseUrl}/acme/web.git@${commit}`, source: { type: 'git', repository: `${git.baseUrl}/acme/web.git`, commit } } },
      });
      const next = await git.commit('acme/web.git', { 'app/index.html': 'v2' });
      const byBranch = await resolve({ type: 'git', repository: `${git.baseUrl}/acme/web.git`, ref: 'main' });
      expect(resolved(byBranch).revision.source).toEqual({ type: 'git', repository: `${git.baseUrl}/acme/web.git`, commit: next, ref: 'main' });
      const byTag = await resolve({ type: 'github', repository: 'acme/web', ref: 'v1.0' });
      expect(byTag.ok && byTag.value.revision).toMatchObject({ sha256: byCommit.ok && byCommit.value.revision.sha256, source: { commit } });
      expect(readdirSync(join(temp.dir, 'tmp'))).toEqual([]);
    });

    it('says REVISION_MISSING for an unknown commit, branch or repository', async () => {
      await git.createRepo('acme/api.git', { 'appspec.yml': APPSPEC });
      const unknown = 'f'.repeat(40);
      expect(await resolve({ type: 'github', repository: 'acme/api', ref: unknown })).toMatchObject({
        ok: false,
        error: { code: 'REVISION_MISSING', message: expect.stringMatching(new RegExp(`commit ${unknown} not found|not our ref`)) },
      });
      expect(await resolve({ type: 'github', repository: 'acme/api', ref: 'no-such-branch' })).toMatchObject({
        ok: false,
        error: { code: 'REVISION_MISSING', message: expect.stringMatching(/no branch or tag named "no-such-branch"/) },
      });
      expect(await resolve({ type: 'github', repository: 'acme/nothing', ref: 'main' })).toMatchObject({ ok: false, error: { code: 'REVISION_MISSING' } });
      expect(readdirSync(join(temp.dir, 'tmp'))).toEqual([]);
    });

    it('reaches a private repository with the configured token, and never echoes it', async () => {
      const commit = await privateGit.createRepo('team/secret.git', { 'appspec.yml': APPSPEC });
      const denied = await resolve({ type: 'bitbucket', repository: 'team/secret', ref: 'main' });
      expect(denied).toMatchObject({ ok: false, error: { code: 'REVISION_MISSING' } });

      start({ git: { ...parsedGit(), token: 'wrong-token-value', tokenUser: 'x-token-auth' } });
      const wrong = await resolve({ type: 'bitbucket', repository: 'team/secret', ref: 'main' });
      expect(wrong.ok).toBe(false);
      expect(JSON.stringify(wrong)).not.toContain('wrong-token-value');

      start({ git: { ...parsedGit(), token: TOKEN, tokenUser: 'x-token-auth' } });
      const allowed = await resolve({ type: 'bitbucket', repository: 'team/secret', ref: 'main' });
      expect(resolved(allowed).revision.source).toMatchObject({ commit });
      expect(privateGit.requests.some((request) => request.user === 'x-token-auth')).toBe(true);
    });

    const parsedGit = () => {
      const config = parseServerConfig({ dataDir: temp.dir, git: { githubUrl: git.baseUrl, bitbucketUrl: privateGit.baseUrl } });
      if (!config.ok) throw new Error(config.error);
      return config.value.git;
    };
  });

  describe('URL', () => {
    it('downloads a bundle with the given digest, and not again', async () => {
      served.set('/web.zip', zip);
      const location = { type: 'url' as const, url: `${webUrl}/web.zip?token=abc`, sha256: sha256(zip) };
      expect(resolved(await resolve(location))).toMatchObject({ revision: { sha256: sha256(zip), bundleType: 'zip', location: `${webUrl}/web.zip?…` } });
      served.delete('/web.zip');
      expect(await resolve(location)).toMatchObject({ ok: true, value: { created: false } });
    });

    it('keeps nothing when the digest is wrong, and says REVISION_MISSING for a 404', async () => {
      served.set('/tampered.tgz', tgz);
      const wrong = await resolve({ type: 'url', url: `${webUrl}/tampered.tgz`, sha256: 'a'.repeat(64) });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_REVISION', message: expect.stringMatching(/has sha256 \w+, not the expected a{64}/) } });
      expect(await blobs.has(sha256(tgz))).toBe(false);
      expect(await resolve({ type: 'url', url: `${webUrl}/gone.tgz`, sha256: sha256(tgz) })).toMatchObject({
        ok: false,
        error: { code: 'REVISION_MISSING', message: `${webUrl}/gone.tgz not found: HTTP 404` },
      });
    });
  });
});
