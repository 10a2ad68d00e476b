/**
 * Chaos: a host vanishes mid-deployment — its agent frozen with SIGSTOP, socket open but silent — and comes
 * back with SIGCONT. The coordinator notices within the heartbeat timeout (the host shows offline), the
 * deployment goes on or fails as its minimum of healthy hosts says, and the returning host is reconciled: it
 * receives the group's last successful revision as an outdated host, so its files end up whole and current.
 */
import { isTerminalDeploymentStatus } from '@baton/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosApi, type DeploymentWithGroup } from '../harness/chaos-api.js';
import { installedRevision, writeChaosBundle, type ChaosBundle } from '../harness/chaos-bundles.js';
import { batonOk, deployBundle } from '../harness/chaos-cli.js';
import { eventsRunTwice } from '../harness/chaos-ledger.js';
import { startChaosRandom } from '../harness/chaos-random.js';
import { Cluster, type TestAgent } from '../harness/cluster.js';
import { eventually } from '../harness/processes.js';

const APP = 'chaos';
const HEARTBEAT_MS = 300;
const OFFLINE_EVENT_TIMEOUT_MS = 3000;
/** Long enough that the frozen host is still inside the hook when it is noticed and given up. */
const HOOK_SECONDS = 8;

describe('a host that vanishes (SIGSTOP) in the middle of a deployment and comes back (SIGCONT)', () => {
  const random = startChaosRandom('host vanishes');
  let cluster: Cluster;
  let api: ChaosApi;
  let bundles: string;
  const figures = { freezes: 0, detectionMs: [] as number[], deployments: 0, rightState: 0 };

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 3, heartbeatIntervalMs: HEARTBEAT_MS, offlineEventTimeoutMs: OFFLINE_EVENT_TIMEOUT_MS });
    api = new ChaosApi(cluster);
    bundles = mkdtempSync(join(tmpdir(), 'baton-chaos-'));
    await batonOk(cluster, ['app', 'create', APP]);
  }, 120_000);

  afterAll(async () => {
    console.log(`[chaos] host vanishes figures: ${JSON.stringify(figures)}`);
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  it('AllAtOnce (no minimum): the deployment succeeds on the others; the host returns and receives the revision', async () => {
    const { v1, v2 } = await prepareGroup('all', 'CodeDeployDefault.AllAtOnce');
    const { deployment, victim } = await freezeOneHostDuring(v2, 'all');

    expect(deployment.status).toBe('Succeeded');
    expectOfflineFailure(deployment, victim);
    countRight(true);
    await expectReconciled(victim, 'all', [v1, v2], v2);
  }, 180_000);

  it('OneAtATime (all but one healthy): the deployment fails, the rest are skipped; the host returns to the last good revision', async () => {
    const { v1, v2 } = await prepareGroup('one', 'CodeDeployDefault.OneAtATime');
    const { deployment, victim } = await freezeOneHostDuring(v2, 'one');

    expect(deployment.status).toBe('Failed');
    expect(deployment.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expectOfflineFailure(deployment, victim);
    expect(deployment.instances.filter((i) => i.name !== victim.name).map((i) => i.status)).toEqual(['Skipped', 'Skipped']);
    countRight(true);
    await expectReconciled(victim, 'one', [v1, v2], v1);
  }, 180_000);

  /** The frozen host thaws and its update succeeds: every host then holds `expected`, and none ran an event twice. */
  async function expectReconciled(victim: TestAgent, group: string, revisions: readonly ChaosBundle[], expected: ChaosBundle): Promise<void> {
    const update = await thawAndReconcile(victim, group);
    expect(update.status).toBe('Succeeded');
    for (const agent of cluster.agents) expect(`${agent.name}: ${installedRevision(agent, revisions)}`).toBe(`${agent.name}: ${expected.version}`);
    expect(eventsRunTwice(cluster.agents)).toEqual([]);
  }

  /** A group installing to its own folder, with a first revision deployed everywhere and a slow second one ready. */
  async function prepareGroup(group: string, config: string): Promise<{ v1: ChaosBundle; v2: ChaosBundle }> {
    await batonOk(cluster, ['group', 'create', APP, group, '--tag', 'role=web', '--config', config]);
    const v1 = writeChaosBundle(join(bundles, `${group}-v1`), { version: `${group}-v1`, destination: group });
    const v2 = writeChaosBundle(join(bundles, `${group}-v2`), { version: `${group}-v2`, destination: group, sleepAt: { hook: 'ApplicationStart', seconds: HOOK_SECONDS } });
    expect((await finished(await deployBundle(cluster, APP, group, v1.path))).status).toBe('Succeeded');
    countRight(true);
    return { v1, v2 };
  }

  /**
   * Deploys `revision`, freezes a host (a random one of those running ApplicationStart) inside the hook, checks
   * that the coordinator shows it offline before its event is given up, and waits for the deployment to end.
   */
  async function freezeOneHostDuring(revision: ChaosBundle, group: string): Promise<{ deployment: DeploymentWithGroup; victim: TestAgent }> {
    const id = await deployBundle(cluster, APP, group, revision.path);
    // The agents running ApplicationStart now; waits until the deployment shows at least one of this cluster's.
    const running = await eventually('ApplicationStart to run', async () => {
      const names = (await api.deployment(id)).instances
        .filter((i) => i.lifecycleEvents.some((e) => e.lifecycleEventName === 'ApplicationStart' && e.status === 'InProgress'))
        .map((i) => i.name);
      const agents = cluster.agents.filter((agent) => names.includes(agent.name));
      return agents.length > 0 ? agents : undefined;
    });
    const victim = running[random.between(0, running.length - 1)]!;
    process.kill(victim.process!.pid, 'SIGSTOP');
    figures.freezes += 1;
    const frozenAt = Date.now();
    console.log(`[chaos] ${group}: SIGSTOP to ${victim.name} in ApplicationStart`);

    const noticed = await eventually(`${victim.name} to show offline`, async () => {
      const host = (await api.hosts()).find((h) => h.name === victim.name);
      if (host?.online !== false) return undefined;
      return api.deployment(id);
    }, 30_000);
    figures.detectionMs.push(Date.now() - frozenAt);
    // Noticed while its event still runs: the host was found missing by the heartbeat, not by the event's timeout.
    expect(noticed.instances.find((i) => i.name === victim.name)?.status).toBe('InProgress');

    const deployment = await finished(id);
    return { deployment, victim };
  }

  function expectOfflineFailure(deployment: DeploymentWithGroup, victim: TestAgent): void {
    const instance = deployment.instances.find((i) => i.name === victim.name)!;
    expect(instance.status).toBe('Failed');
    const event = instance.lifecycleEvents.find((e) => e.lifecycleEventName === 'ApplicationStart')!;
    expect(event.status).toBe('Failed');
    expect(event.diagnostics?.message).toMatch(/offline/);
  }

  /** Resumes the frozen agent; it comes back online and the group brings it up to date: that deployment, finished. */
  async function thawAndReconcile(victim: TestAgent, group: string): Promise<DeploymentWithGroup> {
    const before = new Set((await api.deploymentsOf(APP)).map((d) => d.deploymentId));
    process.kill(victim.process!.pid, 'SIGCONT');
    await cluster.waitForOnlineHosts(3);
    const update = await eventually(`an update of ${victim.name} in ${group}`, async () =>
      (await api.deploymentsOf(APP)).find((d) => !before.has(d.deploymentId) && d.creator === 'autoUpdate' && d.deploymentGroupName === group),
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; deployments: ${JSON.stringify(await api.deploymentsOf(APP))}`);
    });
    const done = await finished(update.deploymentId);
    expect(done.instances.map((i) => i.name)).toEqual([victim.name]);
    countRight(done.status === 'Succeeded');
    return done;
  }

  function countRight(right: boolean): void {
    figures.deployments += 1;
    if (right) figures.rightState += 1;
  }

  const finished = (id: string) =>
    eventually(`deployment ${id} to finish`, async () => {
      const d = await api.deployment(id);
      return isTerminalDeploymentStatus(d.status) ? d : undefined;
    }, 90_000);
});
