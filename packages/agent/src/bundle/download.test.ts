import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/harness/hostile-archives.js';
import { downloadBundle, type DownloadRequest } from './download.js';

const CREDENTIAL = 'secret-credential';
const content = randomBytes(256 * 1024);
const sha256 = createHash('sha256').update(content).digest('hex');

interface Plan {
  body: Buffer;
  /** The next full-body answer sends only this many bytes, then the socket is destroyed. */
  interruptAfter?: number;
  ignoreRange?: boolean;
}

/** A bundle server on port 0 that honours `Range: bytes=N-` and can break a transfer off mid-body. */
type SeenRequest = { range?: string; authorization?: string };

async function startServer(plan: Plan): Promise<{ url: string; requests: SeenRequest[]; close: () => Promise<void> }> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ range: req.headers.range, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${CREDENTIAL}`) {
      res.writeHead(401).end();
      return;
    }
    const { body } = plan;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !plan.ignoreRange) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-length': body.length - start,
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    const cut = plan.interruptAfter;
    if (cut === undefined) {
      res.end(body);
      return;
    }
    plan.interruptAfter = undefined;
    // Give the client time to store the first bytes, then break the connection off mid-body.
    res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 100));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/agent/v1/revisions/${sha256}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let destFile: string;
beforeEach(async () => {
  tmp = await makeTempDir();
  destFile = join(tmp.dir, 'group', 'deployment', 'bundle');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await tmp.remove();
});

const request = (overrides: Partial<DownloadRequest> = {}): DownloadRequest => ({
  url: server?.url ?? 'http://127.0.0.1:1/unused',
  credential: CREDENTIAL,
  destFile,
  expectedSha256: sha256,
  expectedSize: content.length,
  ...overrides,
});

describe('downloadBundle', () => {
  it('downloads with the bearer credential, verifies and moves the file into place', async () => {
    server = await startServer({ body: content });

    expect(await downloadBundle(request())).toEqual({ ok: true, value: undefined });

    expect((await readFile(destFile)).equals(content)).toBe(true);
    expect(existsSync(`${destFile}.part`)).toBe(false);
    expect(server.requests).toEqual([{ range: undefined, authorization: `Bearer ${CREDENTIAL}` }]);
  });

  it('resumes an interrupted transfer with a Range request', async () => {
    server = await startServer({ body: content, interruptAfter: 100_000 });

    const first = await downloadBundle(request());

    expect(first).toMatchObject({ ok: false, error: { code: 'DOWNLOAD_FAILED', message: expect.stringContaining('resumes') } });
    const kept = (await stat(`${destFile}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(100_000);
    expect(existsSync(destFile)).toBe(false);

    expect(await downloadBundle(request())).toEqual({ ok: true, value: undefined });

    expect(server.requests.map(({ range }) => range)).toEqual([undefined, `bytes=${kept}-`]);
    expect((await readFile(destFile)).equals(content)).toBe(true);
  });

  it('starts over when the server ignores the Range header', async () => {
    server = await startServer({ body: content, ignoreRange: true });
    await writePart(content.subarray(0, 5000));

    expect(await downloadBundle(request())).toEqual({ ok: true, value: undefined });

    expect(server.requests.map(({ range }) => range)).toEqual(['bytes=5000-']);
    expect((await readFile(destFile)).equals(content)).toBe(true);
  });

  it('starts over when the server cannot continue the part file (416)', async () => {
    server = await startServer({ body: content });
    await writePart(Buffer.alloc(content.length + 10));

    expect(await downloadBundle(request({ expectedSize: undefined }))).toEqual({ ok: true, value: undefined });

    expect(server.requests.map(({ range }) => range)).toEqual([`bytes=${content.length + 10}-`, undefined]);
    expect((await readFile(destFile)).equals(content)).toBe(true);
  });

  it('deletes the part file when the digest does not match', async () => {
    server = await startServer({ body: content });
    const wrong = 'f'.repeat(64);

    const result = await downloadBundle(request({ expectedSha256: wrong }));

    expect(result).toEqual({
      ok: false,
      error: { code: 'DIGEST_MISMATCH', message: `downloaded bundle has sha256 ${sha256}, expected ${wrong}` },
    });
    expect(existsSync(`${destFile}.part`)).toBe(false);
    expect(existsSync(destFile)).toBe(false);
  });

  it('refuses a body longer than the expected size and drops it', async () => {
    server = await startServer({ body: Buffer.concat([content, Buffer.from('extra')]) });

    const result = await downloadBundle(request());

    expect(result).toMatchObject({ ok: false, error: { code: 'DOWNLOAD_FAILED', message: expect.stringContaining(`more than the expected ${content.length} bytes`) } });
    expect(existsSync(`${destFile}.part`)).toBe(false);
  });

  it('gives the space back when the disk fills up: the part file is deleted and ENOSPC is thrown', async () => {
    server = await startServer({ body: content });
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    await mkdir(dirname(destFile), { recursive: true });
    await symlink('/dev/full', `${destFile}.part`);

    const fault = await downloadBundle(request()).catch((error: unknown) => error);

    expect(fault).toBeInstanceOf(Error);
    expect(((fault as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(await lstat(`${destFile}.part`).catch(() => undefined)).toBeUndefined();
    expect(existsSync(destFile)).toBe(false);
  });

  it('skips the download when the file is already there with the right digest', async () => {
    server = await startServer({ body: content });
    await mkdir(join(tmp.dir, 'group', 'deployment'), { recursive: true });
    await writeFile(destFile, content);

    expect(await downloadBundle(request())).toEqual({ ok: true, value: undefined });

    expect(server.requests).toEqual([]);
  });

  it('downloads again over a file with the wrong digest', async () => {
    server = await startServer({ body: content });
    await writePart(content.subarray(0, 1000));
    await writeFile(destFile, 'not the bundle');

    expect(await downloadBundle(request())).toEqual({ ok: true, value: undefined });

    expect(server.requests.map(({ range }) => range)).toEqual(['bytes=1000-']);
    expect((await readFile(destFile)).equals(content)).toBe(true);
  });

  it('reports an HTTP error without revealing the credential', async () => {
    server = await startServer({ body: content });

    const result = await downloadBundle(request({ credential: 'wrong-credential' }));

    expect(result).toMatchObject({ ok: false, error: { code: 'DOWNLOAD_FAILED', message: expect.stringContaining('HTTP 401') } });
    expect(JSON.stringify(result)).not.toContain('wrong-credential');
  });

  it('reports a refused connection', async () => {
    server = await startServer({ body: content });
    const { url } = server;
    await server.close();
    server = undefined;

    const result = await downloadBundle(request({ url }));

    expect(result).toMatchObject({ ok: false, error: { code: 'DOWNLOAD_FAILED', message: expect.stringContaining('ECONNREFUSED') } });
  });
});

/** Creates the deployment directory and a part file with the given bytes. */
async function writePart(bytes: Buffer): Promise<void> {
  await mkdir(join(tmp.dir, 'group', 'deployment'), { recursive: true });
  await writeFile(`${destFile}.part`, bytes);
}
