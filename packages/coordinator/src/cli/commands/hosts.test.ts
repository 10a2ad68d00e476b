/**
 * `baton hosts list|get` and the metrics API against a real coordinator, fed by an agent played over a real
 * WebSocket with the agent protocol (hello, then host-metrics frames).
 */
import { once } from 'node:events';
import { AgentPaths, encodeFrame, PROTOCOL_VERSION, type EnrollResponse, type HostMetricsSample } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startCliTestServer, type CliTestServer } from '../../testing/cli-test-server.test-support.js';
import { readJson } from '../../testing/read-json.test-support.js';
import { eventually } from '../../../../../test/harness/processes.js';

const sample = (cpuPercent: number, memoryPercent: number): HostMetricsSample => ({
  at: new Date().toISOString(),
  cpuPercent,
  memoryPercent,
  diskPercent: 42,
  load1: cpuPercent / 50,
});

describe('baton hosts', () => {
  let t: CliTestServer;
  let socket: WebSocket;
  let hostId: string;

  beforeAll(async () => {
    t = await startCliTestServer();
    const { stdout } = await t.baton('--json', 'enroll-token', 'create');
    const enrolled = await fetch(`${t.server.url}${AgentPaths.enroll}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: JSON.parse(stdout).token, name: 'web-1', tags: { role: 'web' } }),
    });
    const enrollment = await readJson<EnrollResponse>(enrolled);
    hostId = enrollment.hostId;
    socket = new WebSocket(`${t.server.url.replace(/^http/, 'ws')}${AgentPaths.connect}`, { headers: { authorization: `Bearer ${enrollment.credential}` } });
    // The gateway says welcome as soon as the socket opens.
    const welcome = once(socket, 'message');
    await once(socket, 'open');
    socket.send(encodeFrame({ type: 'hello', agentVersion: '9.9.9', protocolVersion: PROTOCOL_VERSION, facts: { hostname: 'web-1', platform: 'linux', os: 'Linux', arch: 'x64', release: '6' } }));
    await welcome;
    // The host is online once the gateway has handled the hello.
    await eventually('the host to be online', async () => ((await json('hosts', 'list'))[0]?.online ? true : undefined), 5000);
  });
  afterAll(async () => {
    socket?.terminate();
    await t?.close();
  });

  const json = async (...args: string[]) => {
    const result = await t.baton('--json', ...args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout);
  };

  it('shows no metrics before the agent reports any', async () => {
    expect(await json('hosts', 'list')).toEqual([expect.objectContaining({ name: 'web-1', online: true, cpuPercent: null, memoryPercent: null })]);
    expect((await t.baton('hosts', 'get', 'web-1')).stdout).toContain('No metrics received yet.');
  });

  it('lists the current CPU and memory, and shows the history of a host with sparklines', async () => {
    for (const [cpu, memory] of [[10, 50], [55, 51], [100, 52]] as const) socket.send(encodeFrame({ type: 'host-metrics', sample: sample(cpu, memory) }));
    await eventually('the three samples', async () => ((await json('hosts', 'get', hostId)).metrics.length === 3 ? true : undefined), 5000);

    expect(await json('hosts', 'list')).toEqual([expect.objectContaining({ hostId, cpuPercent: 100, memoryPercent: 52 })]);
    const table = (await t.baton('hosts', 'list')).stdout.split('\n');
    expect(table[1]).toMatch(/^web-1\s+h-\S+\s+online\s+100\.0%\s+52\.0%\s+9\.9\.9\s+role=web$/);

    const shown = await t.baton('hosts', 'get', 'web-1');
    expect(shown.stdout).toMatch(/^name\s+web-1$/m);
    expect(shown.stdout).toMatch(/^3 sample\(s\) from \S+ to \S+:$/m);
    expect(shown.stdout).toMatch(/^cpu %\s+100\s+▂▅█$/m);
    expect(shown.stdout).toMatch(/^memory %\s+52\s+▅▅▅$/m);
    expect(shown.stdout).toMatch(/^load \(1 min\)\s+2\s+▂▅█$/m);

    const api = await readJson<{ hostId: string; samples: HostMetricsSample[] }>(
      await fetch(`${t.server.url}/api/v1/hosts/${hostId}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } }),
    );
    expect(api.samples.map((s) => s.cpuPercent)).toEqual([10, 55, 100]);
  });

  it('refuses an unknown host', async () => {
    expect(await t.baton('hosts', 'get', 'nope')).toMatchObject({ code: 1, stderr: "error: NOT_FOUND: no host named or with id 'nope'\n" });
    const response = await fetch(`${t.server.url}/api/v1/hosts/h-nope/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(response.status).toBe(404);
  });
});
