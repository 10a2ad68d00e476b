/**
 * The real agent against a coordinator played by the test: it reports host metrics on its schedule and runs
 * the health checks a `watch-health` asks for, reporting the verdict over the same WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../agent.js';
import { parseAgentConfig } from '../config.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../fake-coordinator.test-support.js';
import { createAgentLogger } from '../logging.js';

let temp: string;
let coordinator: FakeCoordinator;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-agent-health-'));
  coordinator = await FakeCoordinator.start();
  const config = parseAgentConfig({
    flags: { coordinator: coordinator.url, enrollToken: ENROLL_TOKEN, root: join(temp, 'root'), metricsInterval: '0.2' },
    file: undefined,
    fileName: 'agent.yml',
    hostname: 'test-host',
  });
  if (!config.ok) throw new Error(config.error.join('; '));
  agent = await startAgent(config.value, createAgentLogger({ file: config.value.layout.logFile, stderrLevel: 'silent' }));
});
afterEach(async () => {
  await agent?.stop();
  await coordinator.close();
  await rm(temp, { recursive: true, force: true });
});

it('reports host metrics when the session opens and then on its schedule', async () => {
  await coordinator.waitFor((message) => message.type === 'hello');
  const first = await coordinator.waitFor((message) => message.type === 'host-metrics', 5000);
  const later = await coordinator.waitForNext((message) => message.type === 'host-metrics', 5000);
  expect(first).toMatchObject({ sample: { cpuPercent: expect.any(Number), memoryPercent: expect.any(Number), diskPercent: expect.any(Number), load1: expect.any(Number) } });
  if (first.type !== 'host-metrics' || later.type !== 'host-metrics') throw new Error('unreachable');
  expect(Date.parse(later.sample.at)).toBeGreaterThan(Date.parse(first.sample.at));
});

it('runs the checks of a watch-health and reports the host unhealthy for that deployment', async () => {
  await coordinator.waitFor((message) => message.type === 'hello');
  coordinator.send({
    type: 'watch-health',
    deploymentId: 'd-7',
    checks: [
      { type: 'command', command: 'true', interval: 100, timeout: 1000, unhealthyAfter: 1 },
      { type: 'command', command: 'echo "port 8080 closed" >&2; exit 1', interval: 100, timeout: 1000, unhealthyAfter: 2 },
    ],
    until: new Date(Date.now() + 30_000).toISOString(),
  });
  const status = await coordinator.waitFor((message) => message.type === 'health-status', 5000);
  expect(status).toEqual({
    type: 'health-status',
    deploymentId: 'd-7',
    healthy: false,
    message: expect.stringMatching(/failed 2 time\(s\) in a row: .*exited with 1: port 8080 closed$/),
  });
});
