import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevisionView } from '../http/views.js';
import { ApiClient, ApiClientError } from './api-client.js';
import { APPSPEC, makeArchive } from '../testing/bundle-archives.test-support.js';
import { startCliTestServer, type CliTestServer } from '../testing/cli-test-server.test-support.js';

describe('ApiClient', () => {
  let t: CliTestServer;
  let client: ApiClient;
  beforeAll(async () => {
    t = await startCliTestServer();
    client = new ApiClient({ baseUrl: `${t.server.url}/`, token: t.adminToken });
    await client.post('/api/v1/applications', { name: 'web' });
  });
  afterAll(() => t.close());

  it('uploads a byte stream, with or without its size', async () => {
    const archive = await makeArchive('tar', { 'appspec.yml': APPSPEC });
    const chunks = [archive.subarray(0, 100), archive.subarray(100)];
    const sha256 = createHash('sha256').update(archive).digest('hex');
    const streamed = await client.upload<RevisionView>('/api/v1/applications/web/revisions?bundleType=tar', Readable.from(chunks));
    expect(streamed).toMatchObject({ sha256, size: archive.length, bundleType: 'tar' });
    const sized = await client.upload<RevisionView>('/api/v1/applications/web/revisions?bundleType=tar', Readable.from(chunks), archive.length);
    expect(sized.revisionId).toBe(streamed.revisionId);
  });

  it('turns an error answer into an ApiClientError with its status and code', async () => {
    const error = await client.get('/api/v1/applications/nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiClientError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', message: "application 'nope' not found" });
  });
});
