/**
 * A real HAProxy on loopback for traffic-router tests: backend `app` (weighted round-robin) in front of the
 * given servers, and backend `app_canary` with the same servers, all in maintenance at first, which takes
 * requests carrying `X-Canary: 1` as soon as one of its servers is ready. Its runtime API listens on a unix
 * socket in a temp dir. HAProxy comes from Debian's package (scripts/install-test-deps.sh).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, startProcess } from './processes.js';
import { freeLoopbackPort } from './ports.js';

export interface HaproxyOptions {
  /** Server name → the 127.0.0.1 port it listens on. */
  readonly servers: Readonly<Record<string, number>>;
}

export interface RunningHaproxy {
  /** The frontend, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly adminSocket: string;
  readonly backend: 'app';
  readonly canaryBackend: 'app_canary';
  /** Stops HAProxy and removes its temp dir. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 10_000;

export async function startHaproxy(options: HaproxyOptions): Promise<RunningHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-haproxy-'));
  const adminSocket = join(dir, 'admin.sock');
  const port = await freeLoopbackPort();
  const configFile = join(dir, 'haproxy.cfg');
  writeFileSync(configFile, renderConfig(adminSocket, port, options.servers));

  const haproxy = startProcess('haproxy', 'haproxy', ['-f', configFile, '-db']);
  const stop = async () => {
    await haproxy.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  // HAProxy binds every listener (frontend and stats socket) before it serves, so the socket means ready.
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!existsSync(adminSocket)) {
    if (!haproxy.running || Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not open ${adminSocket}:\n${haproxy.output}`);
    }
    await sleep(20);
  }
  return { url: `http://127.0.0.1:${port}`, adminSocket, backend: 'app', canaryBackend: 'app_canary', stop };
}

function renderConfig(adminSocket: string, port: number, servers: Readonly<Record<string, number>>): string {
  const serverLines = (extra: string) =>
    Object.entries(servers).map(([name, serverPort]) => `  server ${name} 127.0.0.1:${serverPort}${extra}`);
  return [
    'global',
    `  stats socket ${adminSocket} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    '  acl canary_request req.hdr(X-Canary) -m str 1',
    '  use_backend app_canary if canary_request { nbsrv(app_canary) gt 0 }',
    '  default_backend app',
    'backend app',
    '  balance roundrobin',
    ...serverLines(''),
    'backend app_canary',
    '  balance roundrobin',
    ...serverLines(' disabled'),
    '',
  ].join('\n');
}
