/**
 * End to end, agent fleet upgrades: two agents installed as install-agent.sh installs them and run by their
 * launcher (as systemd runs them), and a coordinator installation that serves a newer agent package built from
 * this checkout. `baton hosts upgrade` moves the fleet a batch at a time, never during a host's lifecycle events;
 * a version that cannot even start falls back to the previous one on its own.
 */
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster, REPO_ROOT, type TestAgent } from '../harness/cluster.js';
import { hostRunning, isFinished, type DeploymentJson } from '../harness/deployments.js';
import { eventually } from '../harness/processes.js';
import { AGENT_PREFIX, startVersionedAgent, stopLaunchedAgent, writeRelease } from '../harness/versioned-agents.js';

const { version: OLD } = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/agent/package.json'), 'utf8')) as { version: string };
const NEW = `${OLD}-e2e.1`;
const BROKEN = `${OLD}-e2e.2`;
const SLOW_HOOK_SECONDS = 6;

interface HostJson {
  hostId: string;
  name: string;
  online: boolean;
  agentVersion: string | null;
}
interface HostDetailJson extends HostJson {
  lastUpgrade: { version: string; fromVersion: string | null; state: string; message: string; requestedAt: string; updatedAt: string } | null;
}
interface UpgradeResultJson {
  name: string;
  outcome: string;
  detail: string;
}

describe('upgrading the agents of a fleet', () => {
  let cluster: Cluster;
  let release: string;
  let bundles: string;
  const agents: TestAgent[] = [];

  beforeAll(async () => {
    release = mkdtempSync(join(tmpdir(), 'baton-release-'));
    bundles = mkdtempSync(join(tmpdir(), 'baton-bundles-'));
    cluster = await Cluster.start({ agents: 0, coordinatorBin: writeRelease(release, NEW), heartbeatIntervalMs: 300, offlineEventTimeoutMs: 4000 });
    const { token } = await cluster.batonJson<{ token: string }>(['enroll-token', 'create']);
    for (const name of ['web1', 'web2']) agents.push(await startVersionedAgent(cluster, name, token, `role=web,zone=${name}`));
    await cluster.waitForOnlineHosts(2);
    await cluster.batonJson(['app', 'create', 'shop']);
    await cluster.batonJson(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime']);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => stopLaunchedAgent(agent)));
    await cluster?.stop();
    for (const dir of [release, bundles]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const prefixOf = (agent: TestAgent) => join(agent.root, AGENT_PREFIX);
  const hosts = () => cluster.batonJson<HostJson[]>(['hosts', 'list']);
  const host = (name: string) => cluster.batonJson<HostDetailJson>(['hosts', 'get', name]);
  const deployment = (id: string) => cluster.batonJson<DeploymentJson>(['deployment', 'get', id]);

  it('moves one host at a time, each only once its lifecycle events are over, without disturbing the deployment', async () => {
    expect((await hosts()).map((h) => h.agentVersion)).toEqual([OLD, OLD]);
    const bundle = writeBundle(join(bundles, 'slow'), { version: 'v1', sleepAt: { hook: 'BeforeInstall', seconds: SLOW_HOOK_SECONDS } });
    const { deploymentId } = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', bundle]);
    await eventually('web1 to run its slow BeforeInstall', async () => hostRunning(await deployment(deploymentId), 'BeforeInstall'));

    // Given while web1 runs a hook and web2 still waits for its turn.
    const upgrade = await cluster.baton(['hosts', 'upgrade', '--batch', '1', '--json'], 180_000);

    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect((JSON.parse(upgrade.stdout) as UpgradeResultJson[]).map((r) => [r.name, r.outcome, r.detail])).toEqual([
      ['web1', 'upgraded', NEW],
      ['web2', 'upgraded', NEW],
    ]);
    expect(upgrade.stderr).toMatch(/^batch 1: web1\n[^]*web1: upgraded[^]*\nbatch 2: web2\n[^]*web2: upgraded/);

    const deployed = await eventually('the deployment to finish', async () => {
      const current = await deployment(deploymentId);
      return isFinished(current) ? current : undefined;
    });
    expect(deployed.status).toBe('Succeeded');
    for (const instance of deployed.instances) {
      expect(instance.lifecycleEvents.every((e) => e.status === 'Succeeded')).toBe(true);
      const slow = instance.lifecycleEvents.find((e) => e.lifecycleEventName === 'BeforeInstall')!;
      expect(Date.parse(slow.endTime!) - Date.parse(slow.startTime!)).toBeGreaterThanOrEqual(SLOW_HOOK_SECONDS * 1000);
      // Carried out after the host's last event ended.
      const lastEnd = Math.max(...instance.lifecycleEvents.map((e) => Date.parse(e.endTime!)));
      const { lastUpgrade } = await host(instance.name);
      expect(lastUpgrade).toMatchObject({ version: NEW, fromVersion: OLD, state: 'upgraded' });
      expect(Date.parse(lastUpgrade!.updatedAt)).toBeGreaterThan(lastEnd);
      // web1 was asked while its slow hook ran.
      if (instance.name === 'web1') expect(Date.parse(lastUpgrade!.requestedAt)).toBeLessThan(Date.parse(slow.endTime!));
    }

    expect((await hosts()).map((h) => [h.name, h.online, h.agentVersion])).toEqual([
      ['web1', true, NEW],
      ['web2', true, NEW],
    ]);
    for (const agent of agents) {
      const prefix = prefixOf(agent);
      expect(readlinkSync(join(prefix, 'current'))).toBe(`versions/${NEW}`);
      expect(readlinkSync(join(prefix, 'previous'))).toBe(`versions/${OLD}`);
      expect(existsSync(join(prefix, 'versions', OLD, 'packages/agent/bin/baton-agent.js'))).toBe(true);
      expect(existsSync(join(prefix, 'upgrade-pending.json'))).toBe(false);
    }
  }, 240_000);

  it('a version that cannot start falls back to the previous one, which reconnects and reports it; the rollout stops', async () => {
    // The coordinator is upgraded to an installation whose agent package is broken.
    await cluster.coordinator.kill('SIGTERM');
    writeRelease(release, BROKEN, { broken: true });
    await cluster.startCoordinator();
    await cluster.waitForOnlineHosts(2, 60_000);

    const upgrade = await cluster.baton(['hosts', 'upgrade', '--batch', '1', '--json'], 180_000);

    expect(upgrade.exitCode).toBe(1);
    expect(upgrade.stderr).toMatch(/error: UPGRADE_FAILED: web1 did not upgrade/);
    const results = JSON.parse(upgrade.stdout) as UpgradeResultJson[];
    expect(results.map((r) => [r.name, r.outcome])).toEqual([['web1', 'failed']]);
    expect(results[0]!.detail).toMatch(new RegExp(`^agent ${BROKEN} was started 3 times and never connected to the coordinator; fell back to ${NEW}`));
    expect(upgrade.stderr).toMatch(/stopping: a host did not come back/);

    expect((await hosts()).map((h) => [h.name, h.online, h.agentVersion])).toEqual([
      ['web1', true, NEW],
      ['web2', true, NEW],
    ]);
    expect((await host('web1')).lastUpgrade).toMatchObject({ version: BROKEN, fromVersion: NEW, state: 'failed' });
    const prefix = prefixOf(agents[0]!);
    expect(readlinkSync(join(prefix, 'current'))).toBe(`versions/${NEW}`);
    expect(existsSync(join(prefix, 'versions', BROKEN))).toBe(true);
    expect(existsSync(join(prefix, 'upgrade-fallback.json'))).toBe(false);
  }, 240_000);
});
