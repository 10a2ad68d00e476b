import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AgentPaths, encodeFrame, type EnrollResponse } from '@baton/shared';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { writeBundle } from '../../../../test/harness/hostile-archives.js';
import type { ServerConfigInput } from '../config.js';
import type { RunningServer } from '../server.js';
import { startTempServer, type TempServer } from '../testing/temp-server.test-support.js';
import { MAX_JSON_BODY_BYTES } from './request-body.js';

/** The request limits over real HTTP and WebSocket: body size, frame size and the rate per address. */
describe('request limits', () => {
  let temp: TempServer | undefined;
  let dataDir: string;
  let adminToken: string;
  const sockets: WebSocket[] = [];

  const start = async (config: ServerConfigInput): Promise<RunningServer> => {
    temp = await startTempServer({ config });
    ({ dataDir, adminToken } = temp);
    return temp.server;
  };
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    await temp?.close();
    temp = undefined;
  });

  const send = (method: string, url: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
    fetch(url, { method, body, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...headers }, duplex: 'half' } as RequestInit);
  const post = (url: string, body: RequestInit['body'], headers: Record<string, string> = {}) => send('POST', url, body, headers);
  const answer = async (response: Response) => ({ status: response.status, ...((await response.json()) as { code?: string }) });
  const enrollHosts = async (url: string, count: number): Promise<EnrollResponse[]> => {
    const { token } = (await (await post(`${url}/api/v1/enrollment-tokens`, '{}')).json()) as { token: string };
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        fetch(`${url}${AgentPaths.enroll}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name: `web-${i}` }) }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));
    return Promise.all(responses.map(async (response) => (await response.json()) as EnrollResponse));
  };
  /** Resolves with the HTTP status of the upgrade (101 when accepted), keeping accepted sockets open. */
  const connect = (url: string, credential: string): Promise<{ status: number; socket: WebSocket }> =>
    new Promise((resolve) => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${AgentPaths.connect}`, { headers: { authorization: `Bearer ${credential}` } });
      sockets.push(socket);
      socket.on('upgrade', () => resolve({ status: 101, socket }));
      socket.on('unexpected-response', (_, response) => resolve({ status: response.statusCode ?? 0, socket }));
      socket.on('error', () => undefined);
    });

  describe('body size', () => {
    it('refuses an API body over the limit with 413, by its length or as it streams, but not a bundle upload', async () => {
      const { url } = await start({ maxRequestBodyBytes: 1024 });
      const big = JSON.stringify({ name: 'shop', description: 'x'.repeat(2000) });

      const declared = await post(`${url}/api/v1/applications`, big);
      expect(declared.status).toBe(413);
      // The unread body spoils the connection: pooling clients must not reuse it.
      expect(declared.headers.get('connection')).toBe('close');
      expect(await declared.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than 1024 bytes' });
      const streamed = await post(`${url}/api/v1/applications`, Readable.toWeb(Readable.from([big.slice(0, 1000), big.slice(1000)])) as ReadableStream);
      expect(streamed.status).toBe(413);

      expect((await post(`${url}/api/v1/applications`, JSON.stringify({ name: 'shop' }))).status).toBe(201);
      const bundle = join(dataDir, 'bundle.tar');
      await writeBundle(bundle, 'tar', [{ path: 'appspec.yml', content: 'version: 0.0\nos: linux\n' }, { path: 'data', content: 'x'.repeat(3000) }]);
      const bytes = readFileSync(bundle);
      expect(bytes.length).toBeGreaterThan(1024);
      const uploaded = await post(`${url}/api/v1/applications/shop/revisions?bundleType=tar`, bytes, { 'content-type': 'application/octet-stream' });
      expect(uploaded.status).toBe(201);
    });
  });

  describe('JSON body size', () => {
    it('reads a JSON body up to the configured limit, past the default 1 MiB', async () => {
      const { url } = await start({ maxRequestBodyBytes: 4 * 1024 * 1024 });
      expect((await post(`${url}/api/v1/applications`, JSON.stringify({ name: 'shop' }))).status).toBe(201);
      // A group of many hosts named one by one: a group file that names its application, so the access check
      // reads the body too.
      const tags = Array.from({ length: 8000 }, (_, i) => ({ key: 'host', value: `web-${i}-${'x'.repeat(200)}`, type: 'KEY_AND_VALUE' }));
      const file = JSON.stringify({ application: 'shop', name: 'web', hosts: { tags } });
      expect(file.length).toBeGreaterThan(MAX_JSON_BODY_BYTES);

      expect((await send('PUT', `${url}/api/v1/group-files`, file)).status).toBe(201);
    });

    it('holds a JSON body to a smaller limit even on the bundle upload route, which the body limit lets through', async () => {
      const { url } = await start({ maxRequestBodyBytes: 1024 });
      expect((await post(`${url}/api/v1/applications`, JSON.stringify({ name: 'shop' }))).status).toBe(201);
      const location = JSON.stringify({ location: { type: 'git', repository: `https://example.com/${'x'.repeat(2000)}.git`, ref: 'main' } });

      const refused = await answer(await post(`${url}/api/v1/applications/shop/revisions`, location));

      expect(refused).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('decides access on the body the handler reads, keeping 403 for another application and 400 for malformed JSON', async () => {
      const { url } = await start({});
      for (const name of ['shop', 'other']) expect((await post(`${url}/api/v1/applications`, JSON.stringify({ name }))).status).toBe(201);
      const created = await post(`${url}/api/v1/tokens`, JSON.stringify({ role: 'deployer', applications: ['other'] }));
      const { token: limited } = (await created.json()) as { token: string };
      const deploy = (body: string, token = adminToken) => post(`${url}/api/v1/deployments`, body, { authorization: `Bearer ${token}` });
      const deployment = (applicationName: string) =>
        JSON.stringify({ applicationName, deploymentGroupName: 'web', revisionId: 'r-1', description: 'x'.repeat(900) });

      expect(await answer(await deploy(deployment('shop'), limited))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      // Let through, the handler reads the same body: it finds no such group.
      expect(await answer(await deploy(deployment('other'), limited))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      for (const token of [adminToken, limited]) {
        expect(await answer(await deploy('{"applicationName": "shop",', token))).toMatchObject({ status: 400, code: 'INVALID_JSON' });
      }
    });
  });

  describe('WebSocket frame size', () => {
    it('closes the socket of an agent that sends a frame over the limit with 1009', async () => {
      const { url } = await start({ maxFrameBytes: 64 * 1024 });
      const [host] = await enrollHosts(url, 1);
      const { status, socket } = await connect(url, host!.credential);
      expect(status).toBe(101);

      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      socket.send(encodeFrame({ type: 'self-check', healthy: false, at: new Date().toISOString(), problems: ['x'.repeat(100 * 1024)] }));

      expect(await closed).toBe(1009);
    });
  });

  describe('rate per address', () => {
    it('answers 429 RATE_LIMITED with Retry-After once the burst is spent', async () => {
      const { url } = await start({ rateLimit: { perSecond: 0.5, burst: 5 } });

      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await fetch(`${url}/api/v1/applications`, { headers: { authorization: `Bearer ${adminToken}` } })).status);
      const limited = await fetch(`${url}/api/v1/applications`);

      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    });

    it('lets a fleet enroll and connect at once from one address, while refused credentials spend the budget', async () => {
      const { url } = await start({ rateLimit: { perSecond: 0.5, burst: 5 } });
      const hosts = await enrollHosts(url, 40);

      const connected = await Promise.all(hosts.map((host) => connect(url, host.credential)));
      expect(connected.map(({ status }) => status)).toEqual(hosts.map(() => 101));

      const refused: number[] = [];
      for (let i = 0; i < 6; i += 1) refused.push((await connect(url, `${hosts[0]!.hostId}.wrong`)).status);
      expect(refused).toEqual([401, 401, 401, 401, 429, 429]);
    });
  });
});
