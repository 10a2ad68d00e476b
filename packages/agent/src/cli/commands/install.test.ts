/**
 * `baton-agent install` run again over an agent that is running (the real bin, as separate processes, enrolling
 * with a coordinator played by the test): another version restarts the service, but not in the middle of a
 * lifecycle event, which the restart would fail.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_BIN } from '../../agent-form.js';
import { ENROLL_TOKEN, FakeCoordinator } from '../../fake-coordinator.test-support.js';
import { resolveLayout } from '../../layout.js';
import type { AgentStatus } from '../../status/status-file.js';

const run = promisify(execFile);

let root: string;
let coordinator: FakeCoordinator;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-install-'));
  coordinator = await FakeCoordinator.start();
});
afterEach(async () => {
  await coordinator.close();
  await rm(root, { recursive: true, force: true });
});

const install = async (...flags: string[]): Promise<string> =>
  (await run(process.execPath, [AGENT_BIN, 'install', '--coordinator', coordinator.url, '--enroll-token', ENROLL_TOKEN, '--root', root, '--name', 'web1', ...flags])).stdout;

/** status.json as an agent of `agentVersion` writes it, alive (this test's own pid), doing `running`. */
async function writeRunningAgent(agentVersion: string, running?: AgentStatus['running']): Promise<void> {
  const now = new Date().toISOString();
  const status: AgentStatus = {
    pid: process.pid,
    startedAt: now,
    agentVersion,
    coordinatorUrl: coordinator.url,
    hostId: 'h-test',
    name: 'web1',
    tags: {},
    connection: { state: 'connected', since: now },
    ...(running ? { running } : {}),
    groups: {},
  };
  await writeFile(resolveLayout(root).statusFile, JSON.stringify(status));
}

describe('baton-agent install, run again', () => {
  it('leaves a running agent of the same version alone', async () => {
    await install();
    await writeRunningAgent((await run(process.execPath, [AGENT_BIN, '--version'])).stdout.trim());
    expect(await install()).toContain('systemctl enable --now baton-agent.service');
  });

  it('restarts an idle agent of another version into this one', async () => {
    await install();
    await writeRunningAgent('0.0.1-old');
    expect(await install()).toContain('systemctl restart baton-agent.service');
  });

  it('restarts an idle agent whose configuration changed, but not one in the middle of an event', async () => {
    await install();
    const version = (await run(process.execPath, [AGENT_BIN, '--version'])).stdout.trim();
    await writeRunningAgent(version);
    expect(await install('--name', 'web2')).toContain('systemctl restart baton-agent.service');

    await writeRunningAgent(version, { commandId: 'd-1.h-test.Install', deploymentId: 'd-1', groupId: 'dg-1', event: 'Install', since: new Date().toISOString() });
    const output = await install('--name', 'web3');
    expect(output).toContain('the running agent is in Install of d-1, so it was not restarted with the new configuration');
    expect(output).toContain('systemctl daemon-reload\n  systemctl enable --now baton-agent.service');
  });

  it('does not restart an agent of another version in the middle of an event, and says when to', async () => {
    await install();
    await writeRunningAgent('0.0.1-old', { commandId: 'd-1.h-test.AfterInstall', deploymentId: 'd-1', groupId: 'dg-1', event: 'AfterInstall', since: new Date().toISOString() });
    const output = await install();
    expect(output).toMatch(/the running agent is in AfterInstall of d-1, so it was not restarted into .*: run systemctl restart baton-agent\.service once that is over/);
    expect(output).not.toContain('systemctl restart baton-agent.service\n');
    expect(output).toContain('systemctl enable --now baton-agent.service');
  });
});
