import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from './health-probe.js';

const TIMING = { interval: 1000, timeout: 500, unhealthyAfter: 1 };

describe('HTTP probe', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/ok') return void response.end('fine');
      if (request.url === '/broken') return void response.writeHead(503).end('down');
      // /hang: never answers
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['the expected status', '/ok', 200, { ok: true, value: undefined }],
    ['another status', '/broken', 200, { ok: false, error: expect.stringMatching(/answered 503, expected 200$/) }],
    ['a status that is expected', '/broken', 503, { ok: true, value: undefined }],
    ['no answer before the timeout', '/hang', 200, { ok: false, error: expect.stringMatching(/no answer within 500 ms$/) }],
  ])('%s', async (_name, path, expectStatus, expected) => {
    expect(await probe({ type: 'http', url: `${base}${path}`, expectStatus, ...TIMING })).toEqual(expected);
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await probe({ type: 'http', url: `http://127.0.0.1:${port}/`, expectStatus: 200, ...TIMING });
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('command probe', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-probe-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['exit 0 is healthy', 'true', { ok: true, value: undefined }],
    ['another exit code, with its stderr', 'echo "db unreachable" >&2; exit 4', { ok: false, error: expect.stringMatching(/exited with 4: db unreachable$/) }],
    ['a missing program', 'no-such-program-baton', { ok: false, error: expect.stringMatching(/exited with 127: .*not found/) }],
    // The background sleep keeps stderr open (and ends on its own a second later).
    ['a background process holding stderr does not hold the verdict', 'sleep 1 & exit 0', { ok: true, value: undefined }],
  ])('%s', async (_name, command, expected) => {
    expect(await probe({ type: 'command', command, ...TIMING })).toEqual(expected);
  });

  it('kills the whole process group of a check that outlives its timeout', async () => {
    const marker = join(dir, 'survived');
    const started = Date.now();
    // The background child would write the marker after 1.5 s if it were not killed with its group.
    const outcome = await probe({ type: 'command', command: `(sleep 1.5; touch ${marker}) & sleep 30`, ...TIMING });
    expect(outcome).toEqual({ ok: false, error: expect.stringMatching(/did not finish within 500 ms$/) });
    expect(Date.now() - started).toBeLessThan(5000);
    await sleep(2000);
    expect(existsSync(marker)).toBe(false);
  });
});
