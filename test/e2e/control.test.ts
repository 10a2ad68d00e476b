/**
 * End to end: controlling deployments while they run — queueing behind the active deployment, stopping with
 * a rollback, and a host that stops answering in the middle of an event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster } from '../harness/cluster.js';
import { hostRunning, isFinished, type DeploymentJson } from '../harness/deployments.js';
import { eventually } from '../harness/processes.js';

describe('controlling running deployments', () => {
  let cluster: Cluster;
  let bundles: string;
  const OFFLINE_EVENT_TIMEOUT_MS = 3000;

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 3, heartbeatIntervalMs: 300, offlineEventTimeoutMs: OFFLINE_EVENT_TIMEOUT_MS });
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
    await expectOk(cluster.baton(['app', 'create', 'shop']));
    await expectOk(cluster.baton(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'AllAtOnce']));
    const first = await cluster.baton(['deploy', 'shop', 'web', '--bundle', writeBundle(join(bundles, 'v1'), { version: 'v1' }), '--wait']);
    expect(first.exitCode).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  const get = (id: string) => cluster.batonJson<DeploymentJson>(['deployment', 'get', id]);
  const start = async (bundle: string) => (await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', bundle])).deploymentId;
  const finished = (id: string, timeoutMs = 60_000) =>
    eventually(`deployment ${id} to finish`, async () => {
      const d = await get(id);
      return isFinished(d) ? d : undefined;
    }, timeoutMs);

  it('queues a second deployment behind the active one and starts it when the first ends', async () => {
    const slow = await start(writeBundle(join(bundles, 'slow'), { version: 'slow', sleepAt: { hook: 'ApplicationStart', seconds: 6 } }));
    const next = await start(writeBundle(join(bundles, 'v2'), { version: 'v2' }));
    expect((await get(next)).status).toBe('Queued');
    expect((await get(slow)).status).toBe('InProgress');
    expect((await finished(slow)).status).toBe('Succeeded');
    expect((await finished(next)).status).toBe('Succeeded');
    for (const agent of cluster.agents) expect(agent.read('app/version.txt')).toBe('v2\n');
  });

  it('stops a deployment and rolls the hosts that received it back to the last successful revision', async () => {
    const slow = await start(writeBundle(join(bundles, 'slow-stop'), { version: 'slow-stop', sleepAt: { hook: 'ApplicationStart', seconds: 3 } }));
    await eventually('ApplicationStart to run', async () => hostRunning(await get(slow), 'ApplicationStart'));
    const stopped = await cluster.batonJson<DeploymentJson>(['deployment', 'stop', slow, '--rollback']);
    expect(stopped.status).toBe('Stopped');
    expect(stopped.errorInformation?.code).toBe('MANUAL_STOP');
    const rollbackId = stopped.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toBeTruthy();
    const rollback = await finished(rollbackId!);
    expect(rollback.status).toBe('Succeeded');
    expect(rollback.creator).toBe('rollback');
    expect(rollback.rollbackInfo?.rollbackTriggeringDeploymentId).toBe(slow);
    for (const agent of cluster.agents) expect(agent.read('app/version.txt')).toBe('v2\n');
    // The stopped hosts' running event still reports; it is recorded on the stopped deployment's timeline.
    const later = await eventually('the interrupted events to be recorded', async () => {
      const d = await get(slow);
      return d.instances.every((i) => i.lifecycleEvents.every((e) => e.status !== 'InProgress')) ? d : undefined;
    });
    expect(later.status).toBe('Stopped');
  });

  it('fails the event of a host that stops answering, within the offline timeout, and reconciles the host when it returns', async () => {
    const slow = await start(writeBundle(join(bundles, 'hang'), { version: 'hang', sleepAt: { hook: 'ApplicationStart', seconds: 2 } }));
    const running = await eventually('ApplicationStart to run', async () => hostRunning(await get(slow), 'ApplicationStart'));
    const agent = cluster.agents.find((a) => a.name === running.name)!;
    process.kill(agent.process!.pid, 'SIGSTOP');
    const frozenAt = Date.now();
    try {
      const done = await finished(slow, 30_000);
      const tookMs = Date.now() - frozenAt;
      // AllAtOnce succeeds when at least one host succeeds: the two others did.
      expect(done.status).toBe('Succeeded');
      const frozen = done.instances.find((i) => i.name === running.name)!;
      expect(frozen.status).toBe('Failed');
      const event = frozen.lifecycleEvents.find((e) => e.lifecycleEventName === 'ApplicationStart')!;
      expect(event.status).toBe('Failed');
      expect(event.diagnostics?.message).toMatch(/offline/);
      // Heartbeat detection (two 300 ms intervals) plus the 3 s offline timeout, with room for a slow machine.
      expect(tookMs).toBeLessThan(OFFLINE_EVENT_TIMEOUT_MS + 10_000);
    } finally {
      process.kill(agent.process!.pid, 'SIGCONT');
    }
    await cluster.waitForOnlineHosts(3);
    // The host comes back and takes the next deployment normally.
    const next = await start(writeBundle(join(bundles, 'v3'), { version: 'v3' }));
    expect((await finished(next)).status).toBe('Succeeded');
    expect(agent.read('app/version.txt')).toBe('v3\n');
  });
});

async function expectOk(result: Promise<{ exitCode: number | null; stdout: string; stderr: string }>): Promise<void> {
  const { exitCode, stdout, stderr } = await result;
  if (exitCode !== 0) throw new Error(`command failed (${exitCode}):\n${stdout}\n${stderr}`);
}
