/**
 * `baton app update|delete`, `baton group update|delete`, `baton hosts tag|deregister` against a real coordinator,
 * with a host played over a real WebSocket so that deregistration can be seen to close its connection.
 */
import { once } from 'node:events';
import { AgentPaths, encodeFrame, PROTOCOL_VERSION, type EnrollResponse } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';

describe('baton admin commands', () => {
  let t: CliTestServer;
  let enrollment: EnrollResponse;

  const connect = () =>
    new WebSocket(`${t.server.url.replace(/^http/, 'ws')}${AgentPaths.connect}`, { headers: { authorization: `Bearer ${enrollment.credential}` } });
  const json = async (...args: string[]) => {
    const { code, stdout, stderr } = await t.baton('--json', ...args);
    expect(code, stderr).toBe(0);
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await startCliTestServer();
    const { token } = await json('enroll-token', 'create');
    const enrolled = await fetch(`${t.server.url}${AgentPaths.enroll}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'web-1', tags: { env: 'prod', role: 'web' } }),
    });
    enrollment = await readJson<EnrollResponse>(enrolled);
    expect((await t.baton('app', 'create', 'web')).code).toBe(0);
    expect((await t.baton('group', 'create', 'web', 'prod', '--tag', 'env=prod')).code).toBe(0);
  });
  afterAll(() => t.close());

  it('renames an application and updates a group by flags, keeping what no flag names', async () => {
    expect(await json('app', 'update', 'web', '--name', 'shop')).toMatchObject({ name: 'shop' });
    const updated = await json('group', 'update', 'shop', 'prod', '--name', 'production', '--config', 'CodeDeployDefault.AllAtOnce');
    expect(updated).toMatchObject({
      name: 'production',
      deploymentConfig: { name: 'CodeDeployDefault.AllAtOnce' },
      hostSelector: { tagFilters: [{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }] },
    });
    const nothing = await t.baton('group', 'update', 'shop', 'production');
    expect(nothing).toMatchObject({ code: 1, stderr: expect.stringMatching(/INVALID_ARGUMENT: nothing to change/) });
  });

  it('tags a host by name, which moves it out of a group', async () => {
    const tagged = await json('hosts', 'tag', 'web-1', 'env=test', 'zone=a', '--remove', 'role');
    expect(tagged).toMatchObject({ name: 'web-1', tags: { env: 'test', zone: 'a' } });
    expect(await json('group', 'get', 'shop', 'production')).toMatchObject({ hosts: [] });
    expect((await t.baton('hosts', 'tag', 'web-1', 'oops')).stderr).toMatch(/INVALID_ARGUMENT: tag "oops": expected key=value/);
  });

  it('deletes a group, then its application; refuses an application with groups unless forced', async () => {
    expect((await t.baton('group', 'create', 'shop', 'staging', '--tag', 'env=test')).code).toBe(0);
    expect(await t.baton('app', 'delete', 'shop')).toMatchObject({ code: 1, stderr: expect.stringMatching(/CONFLICT: .*delete them first, or delete them with it: baton app delete --force/) });
    expect((await t.baton('group', 'delete', 'shop', 'staging')).stdout).toBe('deleted deployment group shop/staging\n');
    expect((await t.baton('app', 'delete', 'shop', '--force')).code).toBe(0);
    expect(await json('app', 'list')).toEqual([]);
  });

  it('deregisters a host: its connection closes, its credential is refused, it leaves the list', async () => {
    const socket = connect();
    const welcomed = once(socket, 'message');
    await once(socket, 'open');
    socket.send(encodeFrame({ type: 'hello', agentVersion: '9.9.9', protocolVersion: PROTOCOL_VERSION, facts: { hostname: 'web-1', platform: 'linux', os: 'Linux', arch: 'x64', release: '6' } }));
    await welcomed;
    const closed = once(socket, 'close');

    expect(await json('hosts', 'deregister', 'web-1')).toMatchObject({ hostId: enrollment.hostId, online: false });
    const [code] = (await closed) as [number];
    expect(code).toBe(4001);

    const again = connect();
    again.on('error', () => undefined); // ending a refused handshake reports it as an error
    const [, response] = (await once(again, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
    again.terminate();
    expect(await json('hosts', 'list')).toEqual([]);
    expect((await t.baton('hosts', 'deregister', 'web-1')).stderr).toMatch(/NOT_FOUND/);
  });
});
