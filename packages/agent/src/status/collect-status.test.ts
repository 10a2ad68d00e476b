import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inPlaceEvents, type DeploymentContext, type RunEvent } from '@baton/shared';
import { startAgent, type RunningAgent } from '../agent.js';
import { parseAgentConfig, type AgentConfig } from '../config.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../fake-coordinator.test-support.js';
import { createAgentLogger } from '../logging.js';
import { buildTgzBundle, deploymentOf } from '../test-bundle.test-support.js';
import { collectStatus } from './collect-status.js';
import { formatStatus } from './format-status.js';

let temp: string;
let coordinator: FakeCoordinator;
let config: AgentConfig;
let agent: RunningAgent | undefined;
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'baton-status-'));
  await mkdir(join(temp, 'files'));
  coordinator = await FakeCoordinator.start();
  const parsed = parseAgentConfig({
    flags: { coordinator: coordinator.url, enrollToken: ENROLL_TOKEN, root: join(temp, 'root'), filesRoot: join(temp, 'files'), tags: 'role=web' },
    file: undefined,
    fileName: 'agent.yml',
    hostname: 'web1',
  });
  if (!parsed.ok) throw new Error(parsed.error.join('; '));
  config = parsed.value;
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await coordinator.close();
  await rm(temp, { recursive: true, force: true });
});

const runEvent = (deployment: DeploymentContext, event: RunEvent['event']): RunEvent => ({
  type: 'run-event',
  commandId: `${deployment.deploymentId}.${event}`,
  event,
  deployment,
});

describe('collectStatus', () => {
  it('shows the connection, the running event, then the last successful revision and the disk it takes', async () => {
    const bundle = await buildTgzBundle({
      'appspec.yml': 'version: 0.0\nos: linux\nfiles:\n  - source: app\n    destination: /srv/app\nhooks:\n  ValidateService: [{ location: wait.sh }]\n',
      'wait.sh': `#!/bin/sh\ntouch "$BATON_FILES_ROOT/validating"\nwhile [ ! -e "$BATON_FILES_ROOT/go" ]; do sleep 0.05; done\n`,
      'app/index.html': 'hello\n',
    });
    coordinator.revisions.set(bundle.sha256, bundle.bytes);
    const deployment = deploymentOf('d-1', bundle);
    agent = await startAgent(config, createAgentLogger({ file: config.layout.logFile, stderrLevel: 'silent' }));
    await expect.poll(async () => (await collectStatus(config.layout)).status?.connection.state).toBe('connected');

    for (const event of inPlaceEvents(false).slice(0, -1)) {
      coordinator.send(runEvent(deployment, event));
      await coordinator.resultOf(`d-1.${event}`);
    }
    coordinator.send(runEvent(deployment, 'ValidateService'));
    await expect.poll(async () => (await collectStatus(config.layout)).status?.running?.event).toBe('ValidateService');
    const during = await collectStatus(config.layout);
    expect(during).toMatchObject({
      agentRunning: true,
      hostId: 'h-test',
      coordinatorUrl: coordinator.url,
      status: { pid: process.pid, name: 'web1', tags: { role: 'web' }, running: { deploymentId: 'd-1', groupId: 'dg-1' } },
    });
    expect(formatStatus(during, new Date())).toMatch(/running now: {2}d-1 ValidateService/);

    await writeFile(join(temp, 'files/go'), '');
    await coordinator.resultOf('d-1.ValidateService');
    const after = await collectStatus(config.layout);
    expect(after.status?.running).toBeUndefined();
    expect(after.status?.lastEvent).toMatchObject({ deploymentId: 'd-1', event: 'ValidateService', status: 'Succeeded' });
    expect(after.lastSuccessful).toEqual([
      { groupId: 'dg-1', applicationName: 'shop', groupName: 'prod', deploymentId: 'd-1', installedAt: expect.any(String) },
    ]);
    expect(after.keptRevisions.directories).toBe(1);
    expect(after.keptRevisions.bytes).toBeGreaterThan(bundle.size);

    await coordinator.close();
    await expect.poll(async () => (await collectStatus(config.layout)).status?.connection.state).toBe('disconnected');
  });

  it('says the agent is not running when the process that wrote the status is gone', async () => {
    await mkdir(config.layout.stateDir, { recursive: true });
    const status = {
      pid: 2 ** 22 + 1, // above the kernel's pid_max: no such process
      startedAt: '2026-01-01T00:00:00.000Z',
      agentVersion: '0.1.0',
      coordinatorUrl: 'http://c',
      hostId: 'h-1',
      name: 'web1',
      tags: {},
      connection: { state: 'connected', since: '2026-01-01T00:00:00.000Z' },
      running: { commandId: 'c', deploymentId: 'd-9', groupId: 'dg-1', event: 'Install', since: '2026-01-01T00:00:00.000Z' },
      groups: {},
    };
    await writeFile(config.layout.statusFile, JSON.stringify(status));
    const report = await collectStatus(config.layout);
    expect(report).toMatchObject({ agentRunning: false, hostId: 'h-1', lastSuccessful: [], keptRevisions: { directories: 0, bytes: 0 } });
    expect(formatStatus(report, new Date('2026-01-01T00:05:00.000Z'))).toBe(
      [
        'agent:        not running (last started 2026-01-01T00:00:00.000Z (5m ago))',
        'coordinator:  http://c',
        'host:         h-1 (web1)',
        'running now:  nothing',
        'last installed revision per group (its ApplicationStop runs next):',
        '  (none)',
        'kept revisions: 0 B in 0 deployment directories',
        '',
      ].join('\n'),
    );
  });
});
