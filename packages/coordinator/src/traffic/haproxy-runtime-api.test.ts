import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HaproxyRuntimeApi, parseRuntimeApiAddress, parseServersState } from './haproxy-runtime-api.js';

// Captured from HAProxy 2.6: s1 drained, s2 weighted 50, s3 in maintenance; in the canary
// backend c1 was `disabled` in the configuration and then set ready (admin state 4), c2 is still disabled.
const HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
const SERVERS_STATE = [
  '1',
  HEADER,
  '3 app 1 s1 127.0.0.1 2 8 1 1 1 1 0 2 0 0 0 0 - 18081 - 0 0 - - 0',
  '3 app 2 s2 127.0.0.1 2 0 50 1 1 1 0 2 0 0 0 0 - 18082 - 0 0 - - 0',
  '3 app 3 s3 127.0.0.1 0 1 1 1 1 1 0 2 0 0 0 0 - 18083 - 0 0 - - 0',
  '4 app_canary 1 c1 127.0.0.1 2 4 1 1 0 1 0 0 8 0 0 0 - 18081 - 0 0 - - 0',
  '4 app_canary 2 c2 127.0.0.1 0 5 1 1 1 1 0 0 8 0 0 0 - 18082 - 0 0 - - 0',
  '',
  '',
].join('\n');

describe('parseRuntimeApiAddress', () => {
  it.each([
    ['/run/haproxy/admin.sock', { path: '/run/haproxy/admin.sock' }],
    ['admin.sock', { path: 'admin.sock' }],
    ['127.0.0.1:9999', { host: '127.0.0.1', port: 9999 }],
    ['lb.internal:9999', { host: 'lb.internal', port: 9999 }],
    ['[::1]:9999', { host: '::1', port: 9999 }],
  ])('reads %s', (address, expected) => {
    expect(parseRuntimeApiAddress(address)).toEqual(expected);
  });
});

describe('parseServersState', () => {
  it('reads state, weights and liveness by column name', () => {
    expect(parseServersState(SERVERS_STATE)).toEqual([
      { backend: 'app', server: 's1', state: 'drain', weight: 1, running: true },
      { backend: 'app', server: 's2', state: 'ready', weight: 50, running: true },
      { backend: 'app', server: 's3', state: 'maint', weight: 1, running: false },
      { backend: 'app_canary', server: 'c1', state: 'ready', weight: 1, running: true },
      { backend: 'app_canary', server: 'c2', state: 'maint', weight: 1, running: false },
    ]);
  });

  it('reads an empty backend', () => {
    expect(parseServersState(`1\n${HEADER}\n\n`)).toEqual([]);
  });

  it.each([["Can't find backend.\n\n"], ['2\n# be_id\n']])('rejects an answer in another format: %j', (text) => {
    expect(() => parseServersState(text)).toThrow(/unexpected "show servers state" answer/);
  });
});

describe('HaproxyRuntimeApi over TCP', () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A stand-in runtime API: records each command line and answers it with `answer(command)`, or never. */
  async function listen(answer: (command: string) => string | undefined): Promise<{ address: string; commands: string[] }> {
    const commands: string[] = [];
    // Half-open like HAProxy: the client's end of writing does not close the answer's direction.
    server = createServer({ allowHalfOpen: true }, (socket) => {
      sockets.add(socket);
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
        if (!received.endsWith('\n')) return;
        commands.push(received);
        const reply = answer(received.trim());
        if (reply !== undefined) socket.end(reply);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, commands };
  }

  it('sends one command per connection and accepts the empty answer of a successful set', async () => {
    const { address, commands } = await listen(() => '\n');
    const api = new HaproxyRuntimeApi(address);
    await api.setServerState('app', 's1', 'drain');
    await api.setServerWeight('app', 's1', 10);
    await api.setServerWeight('app', 's1', '100%');
    expect(commands).toEqual(['set server app/s1 state drain\n', 'set server app/s1 weight 10\n', 'set server app/s1 weight 100%\n']);
  });

  it('turns a refusal into an Error naming the backend and server', async () => {
    const { address } = await listen(() => 'No such server.\n\n');
    await expect(new HaproxyRuntimeApi(address).setServerState('app', 's9', 'ready')).rejects.toThrow(
      `HAProxy at ${address} refused to set app/s9 to ready: No such server.`,
    );
  });

  it('parses show servers state', async () => {
    const { address, commands } = await listen(() => SERVERS_STATE);
    const rows = await new HaproxyRuntimeApi(address).showServersState('app');
    expect(commands).toEqual(['show servers state app\n']);
    expect(rows.map((row) => `${row.server}:${row.state}`)).toEqual(['s1:drain', 's2:ready', 's3:maint', 'c1:ready', 'c2:maint']);
  });

  it('gives up on an API that never answers', async () => {
    const { address } = await listen(() => undefined);
    await expect(new HaproxyRuntimeApi(address, 100).showServersState('app')).rejects.toThrow(
      `HAProxy runtime API at ${address} failed on "show servers state app": no answer within 100 ms`,
    );
  });

  it('refuses names that would smuggle in another command', async () => {
    const { address, commands } = await listen(() => '\n');
    const api = new HaproxyRuntimeApi(address);
    await expect(api.setServerState('app', 's1; shutdown sessions server app/s2', 'ready')).rejects.toThrow(/not an HAProxy backend or server name/);
    await expect(api.showServersState('app\nshow info')).rejects.toThrow(/not an HAProxy backend or server name/);
    expect(commands).toEqual([]);
  });
});
