/**
 * The install path a host takes, for real: a running coordinator serves the script and the agent package; the
 * script (run by sh, fetching with curl) unpacks the package outside the checkout and runs `baton-agent install`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestServer, type CliTestServer } from '../testing/cli-test-server.test-support.js';

const run = promisify(execFile);

let server: CliTestServer;
let temp: string;
beforeAll(async () => {
  server = await startCliTestServer();
  temp = await mkdtemp(join(tmpdir(), 'baton-agent-install-'));
});
afterAll(async () => {
  await server.close();
  await rm(temp, { recursive: true, force: true });
});

describe('GET /install/agent.sh and /install/agent.tgz', () => {
  it('install a working agent from the coordinator alone, keeping the identity on a re-run', async () => {
    const url = server.server.url;
    const script = await (await fetch(`${url}/install/agent.sh`)).text();
    expect(script).toContain(`COORDINATOR="\${BATON_COORDINATOR:-${url}}"`);
    const packageResponse = await fetch(`${url}/install/agent.tgz`);
    expect(packageResponse.headers.get('x-baton-agent-version')).toBe('0.1.0');

    const created = await server.baton('enroll-token', 'create');
    const token = created.stdout.trim();
    const prefix = join(temp, 'opt');
    const root = join(temp, 'root');
    const install = () =>
      run('sh', ['-c', `curl -fsSL "${url}/install/agent.sh" | sh -s -- --enroll-token "${token}" --name web9 --tags role=web --root "${root}"`], {
        env: { ...process.env, BATON_AGENT_PREFIX: prefix },
        timeout: 60_000,
      });
    const first = await install();
    expect(first.stdout).toContain('enrolled as h-');
    expect(first.stdout).toContain('so the service was not started');
    expect(await readlink(join(prefix, 'current'))).toBe('versions/0.1.0');
    // The unit runs the unpacked copy (no checkout or node_modules above it), through `current` so upgrades switch it.
    const unit = await readFile(join(root, 'etc/systemd/system/baton-agent.service'), 'utf8');
    expect(unit).toContain(join(prefix, 'current/packages/agent/bin/baton-agent.js'));
    const help = await run(process.execPath, [join(prefix, 'current/packages/agent/bin/baton-agent.js'), 'status', '--root', root], {
      cwd: temp,
    }).catch((error: { stdout: string; code: number }) => error);
    expect(help.stdout).toMatch(/host: {9}h-\S+/);

    const credentials = await readFile(join(root, 'etc/baton/credentials.json'), 'utf8');
    const second = await install();
    expect(second.stdout).toContain('already enrolled as');
    expect(await readFile(join(root, 'etc/baton/credentials.json'), 'utf8')).toBe(credentials);
    expect((await stat(join(root, 'etc/baton/agent.yml'))).mode & 0o777).toBe(0o600);
    const hosts = JSON.parse((await server.baton('--json', 'hosts', 'list')).stdout) as { name: string }[];
    expect(hosts.map((host) => host.name)).toEqual(['web9']);
  });
});
