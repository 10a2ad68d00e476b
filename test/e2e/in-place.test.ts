/**
 * End to end, with a real coordinator and three real agents (each in its own mount namespace): the in-place
 * lifecycle of CodeDeploy, one host at a time, with failures, rollbacks and processes killed mid-flight.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster } from '../harness/cluster.js';
import { eventually } from '../harness/processes.js';
import { writeTarSlipBundle } from '../harness/malicious-bundles.js';
import { hostRunning, isFinished, type DeploymentJson as Deployment } from '../harness/deployments.js';

const IN_PLACE_ORDER = ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

describe('in-place deployments across three hosts', () => {
  let cluster: Cluster;
  let bundles: string;

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 3, heartbeatIntervalMs: 300, offlineEventTimeoutMs: 4000 });
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
    await expectOk(cluster.baton(['app', 'create', 'shop']));
    await expectOk(cluster.baton(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback']));
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  const deploy = async (bundle: string, extra: string[] = []) => {
    const result = await cluster.baton(['deploy', 'shop', 'web', '--bundle', bundle, '--wait', '--json', ...extra], 120_000);
    const summary = JSON.parse(result.stdout) as { deploymentId: string; status: string };
    return { exitCode: result.exitCode, stderr: result.stderr, deployment: await get(summary.deploymentId) };
  };
  const get = (id: string) => cluster.batonJson<Deployment>(['deployment', 'get', id]);

  it('deploys one host at a time, runs the events in order with the reference environment, installs files with permissions', async () => {
    const { exitCode, deployment } = await deploy(writeBundle(join(bundles, 'v1'), { version: 'v1' }));
    expect(exitCode).toBe(0);
    expect(deployment.status).toBe('Succeeded');
    expect(deployment.instances).toHaveLength(3);
    for (const instance of deployment.instances) {
      expect(instance.status).toBe('Succeeded');
      expect(instance.lifecycleEvents.map((e) => e.lifecycleEventName)).toEqual(IN_PLACE_ORDER);
      expect(instance.lifecycleEvents.every((e) => e.status === 'Succeeded')).toBe(true);
    }
    // One at a time: each host starts after the previous one has finished.
    const spans = deployment.instances.map((i) => ({
      start: Date.parse(i.lifecycleEvents[0]!.startTime!),
      end: Date.parse(i.lifecycleEvents.at(-1)!.endTime!),
    }));
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);

    for (const agent of cluster.agents) {
      // The first deployment has no previous revision: ApplicationStop runs no script.
      const log = agent.read('hooks.log').trim().split('\n');
      expect(log.map((line) => line.split(' ')[0])).toEqual(['BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService']);
      expect(log[0]).toContain(`deployment=${deployment.deploymentId} app=shop group=web groupId=dg-`);
      expect(log[0]).toContain(`host=${agent.name}`);
      expect(agent.read('app/version.txt')).toBe('v1\n');
      expect(statSync(join(agent.appDir, 'app/version.txt')).mode & 0o777).toBe(0o640);
    }
  });

  it("runs the previous revision's ApplicationStop on the next deployment", async () => {
    const { deployment } = await deploy(writeBundle(join(bundles, 'v2'), { version: 'v2' }));
    expect(deployment.status).toBe('Succeeded');
    for (const agent of cluster.agents) {
      const log = agent.read('hooks.log');
      expect(log).toMatch(/ApplicationStop version=v1 /);
      expect(agent.read('app/version.txt')).toBe('v2\n');
    }
  });

  it('fails under HEALTH_CONSTRAINTS when ValidateService fails, skips the rest, and rolls the host back', async () => {
    const { exitCode, stderr, deployment } = await deploy(writeBundle(join(bundles, 'bad'), { version: 'bad', failAt: 'ValidateService' }));
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain('ValidateService');
    expect(deployment.status).toBe('Failed');
    expect(deployment.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    const [first, ...rest] = deployment.instances;
    expect(first!.status).toBe('Failed');
    const validate = first!.lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService')!;
    expect(validate.diagnostics?.errorCode).toBe('ScriptFailed');
    expect(validate.diagnostics?.logTail).toContain('ValidateService fails on purpose');
    expect(rest.map((i) => i.status)).toEqual(['Skipped', 'Skipped']);

    const rollbackId = deployment.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toBeTruthy();
    const rollback = await eventually('the rollback to finish', async () => {
      const d = await get(rollbackId!);
      return isFinished(d) ? d : undefined;
    });
    expect(rollback.status).toBe('Succeeded');
    expect(rollback.rollbackInfo?.rollbackTriggeringDeploymentId).toBe(deployment.deploymentId);
    expect(rollback.instances.map((i) => i.hostId)).toEqual([first!.hostId]);
    const failedAgent = cluster.agents.find((a) => a.name === first!.name)!;
    expect(failedAgent.read('app/version.txt')).toBe('v2\n');
  });

  it('refuses a tar-slip bundle before any host sees it (the agent refuses it too: see bundle/extract.test.ts)', async () => {
    const archive = await writeTarSlipBundle(join(bundles, 'evil'));
    const result = await cluster.baton(['deploy', 'shop', 'web', '--bundle', archive, '--wait', '--json'], 120_000);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('INVALID_REVISION');
    expect(result.stderr).toContain('bundle entry "../../../evil.txt" escapes the archive');
    for (const agent of cluster.agents) {
      const written = readdirSync(agent.root, { recursive: true }).map(String);
      expect(written.filter((path) => path.endsWith('evil.txt'))).toEqual([]);
    }
  });

  it('fails the event of an agent killed mid-hook as AgentRestarted as soon as the agent is back', async () => {
    const slow = writeBundle(join(bundles, 'slow'), { version: 'slow', sleepAt: { hook: 'ApplicationStart', seconds: 60 } });
    const created = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', slow]);
    const running = await eventually('ApplicationStart to run on the first host', async () => hostRunning(await get(created.deploymentId), 'ApplicationStart'));
    const agent = cluster.agents.find((a) => a.name === running.name)!;
    await agent.process!.kill('SIGKILL');
    agent.start();
    const failed = await eventually('the deployment to fail', async () => {
      const d = await get(created.deploymentId);
      return d.status === 'Failed' ? d : undefined;
    }, 20_000);
    const event = failed.instances.find((i) => i.name === running.name)!.lifecycleEvents.find((e) => e.lifecycleEventName === 'ApplicationStart')!;
    expect(event.status).toBe('Failed');
    expect(event.diagnostics?.errorCode).toBe('AgentRestarted');
    await cluster.waitForOnlineHosts(3);
    await waitForGroupIdle(failed);
  });

  it('continues a deployment after the coordinator is killed mid-way and restarted', async () => {
    const paced = writeBundle(join(bundles, 'paced'), { version: 'paced', sleepAt: { hook: 'ApplicationStart', seconds: 1 } });
    const created = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', paced]);
    await eventually('the first host to be in progress', async () => {
      const d = await get(created.deploymentId);
      return d.instances.some((i) => i.status === 'InProgress') ? d : undefined;
    });
    await cluster.coordinator.kill('SIGKILL');
    await cluster.startCoordinator();
    const finished = await eventually('the deployment to finish after the restart', async () => {
      const d = await get(created.deploymentId);
      return isFinished(d) ? d : undefined;
    }, 60_000);
    expect(finished.status).toBe('Succeeded');
    for (const agent of cluster.agents) {
      expect(agent.read('app/version.txt')).toBe('paced\n');
      // No host ran an event twice.
      const starts = agent.read('hooks.log').split('\n').filter((line) => line.includes(`deployment=${created.deploymentId}`) && line.startsWith('ApplicationStart'));
      expect(starts).toHaveLength(1);
    }
  });

  /** Waits until the rollback a failed deployment started (if any) has finished, so the group is free. */
  async function waitForGroupIdle(failed: Deployment): Promise<void> {
    const latest = await get(failed.deploymentId);
    const rollbackId = latest.rollbackInfo?.rollbackDeploymentId;
    if (!rollbackId) return;
    await eventually('the rollback to finish', async () => {
      const d = await get(rollbackId);
      return isFinished(d) ? d : undefined;
    }, 60_000);
  }
});

async function expectOk(result: Promise<{ exitCode: number | null; stdout: string; stderr: string }>): Promise<void> {
  const { exitCode, stdout, stderr } = await result;
  if (exitCode !== 0) throw new Error(`command failed (${exitCode}):\n${stdout}\n${stderr}`);
}
