import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/harness/hostile-archives.js';
import { downloadBundleWithRetries } from './download-retry.js';

const body = randomBytes(64 * 1024);
const sha256 = createHash('sha256').update(body).digest('hex');
const PAUSES = [5, 5, 5];

describe('downloadBundleWithRetries', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let server: Server | undefined;
  let requests = 0;

  beforeEach(async () => {
    temp = await makeTempDir();
    requests = 0;
  });
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await temp.remove();
  });

  /** Answers 503 (a coordinator still starting) to the first `unavailable` requests, then the bundle. */
  async function serve(unavailable: number): Promise<string> {
    server = createServer((_req, res) => {
      requests += 1;
      if (requests <= unavailable) res.writeHead(503).end();
      else res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle`;
  }

  const request = (url: string, expectedSha256 = sha256) => ({
    url,
    credential: 'c',
    destFile: join(temp.dir, 'bundle'),
    expectedSha256,
    expectedSize: body.length,
  });

  it('tries again while the server is unavailable, and gets the bundle once it answers', async () => {
    const result = await downloadBundleWithRetries(request(await serve(2)), undefined, PAUSES);
    expect(result).toEqual({ ok: true, value: undefined });
    expect(requests).toBe(3);
    expect(await readFile(join(temp.dir, 'bundle'))).toEqual(body);
  });

  it('gives up with the last failure once the pauses are used up', async () => {
    const result = await downloadBundleWithRetries(request(await serve(10)), undefined, PAUSES);
    expect(result.ok ? undefined : result.error.code).toBe('DOWNLOAD_FAILED');
    expect(requests).toBe(PAUSES.length + 1);
  });

  it('does not try again after a digest mismatch, nor once the agent is stopping', async () => {
    const url = await serve(0);
    const mismatch = await downloadBundleWithRetries(request(url, '0'.repeat(64)), undefined, PAUSES);
    expect(mismatch.ok ? undefined : mismatch.error.code).toBe('DIGEST_MISMATCH');
    expect(requests).toBe(1);

    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const stopping = new AbortController();
    stopping.abort();
    const refused = await downloadBundleWithRetries(request(url), stopping.signal, [60_000]);
    expect(refused.ok ? undefined : refused.error.message).toMatch(/ECONNREFUSED/);
  });
});
