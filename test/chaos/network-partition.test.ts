/**
 * Chaos, network: agents in their own network namespaces (harness/netns.ts) whose link to the coordinator is cut
 * mid-deployment and restored. A partition shorter than the offline timeout costs nothing: the agent finishes
 * its event while away, reports it on its return, and no host runs an event twice. A partition longer than the
 * offline timeout fails the event as the configuration says, and the host is reconciled when it returns.
 * Short form (npm test): one 10 s cut. Long form (npm run chaos): 60 s cuts at several hooks.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../harness/bundles.js';
import { Cluster, type TestAgent } from '../harness/cluster.js';
import { isFinished, type DeploymentJson } from '../harness/deployments.js';
import { LONG } from '../harness/long-form.js';
import { NetworkLab } from '../harness/netns.js';
import { eventually, sleep } from '../harness/processes.js';

const PARTITION_MS = LONG ? 60_000 : 10_000;
/** The hooks a cut lands in (each run sleeps in one of them, so the cut finds it running). */
const CUT_AT = LONG ? ['ApplicationStart', 'BeforeInstall', 'ValidateService'] : ['ApplicationStart'];
const HOOK_SECONDS = 4;

/** The cuts made in this file, printed at its end for the run's figures. */
const faults: string[] = [];
afterAll(() => console.log(`[chaos] network (${LONG ? 'long' : 'short'} form): ${faults.length} cut(s): ${faults.join('; ')}`));

interface DeploymentView {
  readonly deploymentId: string;
  readonly status: string;
  readonly creator: string;
}

/** Two hosts, each behind its own cuttable link, with app `shop`, a OneAtATime group `web`, and v1 deployed to both. */
interface PartitionedCluster {
  readonly lab: NetworkLab;
  readonly cluster: Cluster;
  /** Where the bundles of this cluster's deployments are written. */
  readonly bundles: string;
  /** Stops the cluster, removes the network and the bundles. */
  stop(): Promise<void>;
}

async function startPartitionedCluster(offlineEventTimeoutMs: number): Promise<PartitionedCluster> {
  const agents = 2;
  const lab = await NetworkLab.create(agents);
  const bundles = mkdtempSync(join(tmpdir(), 'baton-chaos-net-'));
  let cluster: Cluster | undefined;
  const stop = async () => {
    await cluster?.stop();
    await lab.destroy();
    rmSync(bundles, { recursive: true, force: true });
  };
  try {
    cluster = await Cluster.start({
      agents,
      listenHost: lab.coordinatorAddress,
      heartbeatIntervalMs: 500,
      offlineEventTimeoutMs,
      agentSpec: (index) => ({ networkNamespace: lab.networks[index - 1]!.namespace }),
    });
    await expectOk(cluster.baton(['app', 'create', 'shop']));
    await expectOk(cluster.baton(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback']));
    const first = await deploy(cluster, writeBundle(join(bundles, 'v1'), { version: 'v1' }));
    expect(first.status).toBe('Succeeded');
    return { lab, cluster, bundles, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Deploys `version`, whose `hook` sleeps HOOK_SECONDS, and cuts the link of the host found running that hook, at
 * `cutAt`; `index` is that host's link number.
 */
async function cutDuringHook({ lab, cluster, bundles }: PartitionedCluster, hook: string, version: string) {
  const deploymentId = await startDeployment(cluster, writeBundle(join(bundles, version), { version, sleepAt: { hook, seconds: HOOK_SECONDS } }));
  const running = await hookStarted(cluster.agents, hook, version);
  const index = cluster.agents.indexOf(running) + 1;
  const cutAt = Date.now();
  await lab.cut(index);
  return { deploymentId, running, index, cutAt };
}

describe('a partition shorter than the offline timeout', () => {
  let partitioned: PartitionedCluster | undefined;
  // The agent's reconnection backs off up to 10 s: the timeout leaves room for the cut, that and the hello.
  beforeAll(async () => {
    partitioned = await startPartitionedCluster(PARTITION_MS + 40_000);
  }, 180_000);
  afterAll(() => partitioned?.stop());

  it.each(CUT_AT)(`the agent cut off during %s finishes it while away, reports it on its return, and runs nothing twice`, async (hook) => {
    const { lab, cluster: c } = partitioned!;
    const version = `cut-${hook}`;
    const { deploymentId, running, index, cutAt } = await cutDuringHook(partitioned!, hook, version);
    faults.push(`${running.name} at ${hook} for ${PARTITION_MS / 1000} s`);

    // Detected: the coordinator stops hearing the host and marks it offline.
    await eventually(`${running.name} to be seen offline`, async () => {
      const hosts = await c.batonJson<{ name: string; online: boolean }[]>(['hosts', 'list']);
      return hosts.find((host) => host.name === running.name)?.online === false ? true : undefined;
    }, 30_000);
    await sleep(Math.max(0, cutAt + PARTITION_MS - Date.now()));
    // The coordinator cannot know yet that the hook finished on the host.
    expect(eventOf(await get(c, deploymentId), running.name, hook).status).toBe('InProgress');
    await lab.restore(index);
    const restoredAt = Date.now();

    const finished = await waitForEnd(c, deploymentId, PARTITION_MS + 120_000);
    expect(finished.status).toBe('Succeeded');
    // The hook ended while the host was away: the result recorded is the one the agent kept and sent on its return.
    const event = eventOf(finished, running.name, hook);
    expect(event.status).toBe('Succeeded');
    expect(Date.parse(event.endTime!)).toBeLessThan(restoredAt);
    expect(hooksRunTwice(c.agents)).toEqual([]);
    for (const agent of c.agents) expect(agent.read('app/version.txt')).toBe(`${version}\n`);
    await c.waitForOnlineHosts(2, 60_000);
  }, PARTITION_MS + 240_000);
});

describe('a partition longer than the offline timeout', () => {
  const OFFLINE_TIMEOUT_MS = 3_000;
  let partitioned: PartitionedCluster | undefined;
  beforeAll(async () => {
    partitioned = await startPartitionedCluster(OFFLINE_TIMEOUT_MS);
  }, 180_000);
  afterAll(() => partitioned?.stop());

  it('fails the event per the configuration and gives the host the last good revision when it returns', async () => {
    const { lab, cluster: c } = partitioned!;
    const hook = 'ApplicationStart';
    const { deploymentId, running, index, cutAt } = await cutDuringHook(partitioned!, hook, 'v2');
    faults.push(`${running.name} at ${hook} for ${PARTITION_MS / 1000} s, past the ${OFFLINE_TIMEOUT_MS / 1000} s offline timeout`);

    // OneAtATime over two hosts needs one healthy host: the lost host fails, the other is skipped.
    const failed = await waitForEnd(c, deploymentId, 120_000);
    expect(failed.status).toBe('Failed');
    expect(failed.instances.find((instance) => instance.name === running.name)!.status).toBe('Failed');
    expect(eventOf(failed, running.name, hook).diagnostics?.message).toMatch(/offline/);
    expect(failed.instances.filter((instance) => instance.name !== running.name).map((i) => i.status)).toEqual(['Skipped']);
    // The automatic rollback cannot reach the host while it is away: it skips it and says why.
    const rollbackId = (await get(c, deploymentId)).rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toBeTruthy();
    const rollback = await waitForEnd(c, rollbackId!, 120_000);
    expect(rollback.status).toBe('Failed');
    expect(rollback.instances.map((i) => i.status)).toEqual(['Skipped']);
    expect(rollback.errorInformation?.message).toContain(`offline (${running.name})`);

    await sleep(Math.max(0, cutAt + PARTITION_MS - Date.now()));
    await lab.restore(index);
    await c.waitForOnlineHosts(2, 60_000);
    // Reconciled: the host, which installed v2 and ran part of its hooks while cut off, receives the group's
    // last successful revision as an outdated host.
    const agent = c.agents[index - 1]!;
    const update = await eventually(`${running.name} to be updated to v1`, async () => {
      const listed = await c.batonJson<DeploymentView[]>(['deployment', 'list', '--app', 'shop']);
      const found = listed.find((d) => d.creator === 'autoUpdate');
      const deployment = found && (await get(c, found.deploymentId));
      return deployment && isFinished(deployment) ? deployment : undefined;
    }, 120_000);
    expect(update.status).toBe('Succeeded');
    expect(update.instances.map((i) => i.name)).toEqual([running.name]);
    expect(agent.read('app/version.txt')).toBe('v1\n');
    expect(hooksRunTwice(c.agents)).toEqual([]);
  }, 300_000);
});

/**
 * The agent whose hook `hook` of `version` has started, found in its hooks.log (a local file, so the cut that
 * follows lands well inside the hook's sleep, not after a round trip through the API).
 */
function hookStarted(agents: readonly TestAgent[], hook: string, version: string): Promise<TestAgent> {
  const line = `${hook} version=${version} `;
  return eventually(`${hook} of ${version} to start on a host`, () =>
    agents.find((agent) => existsSync(join(agent.appDir, 'hooks.log')) && agent.read('hooks.log').includes(line)),
  60_000);
}

const get = (cluster: Cluster, id: string) => cluster.batonJson<DeploymentJson>(['deployment', 'get', id]);

/** Starts a deployment of `bundle` to group `web` of `shop`; answers its id. */
async function startDeployment(cluster: Cluster, bundle: string): Promise<string> {
  const { deploymentId } = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', bundle]);
  return deploymentId;
}

async function deploy(cluster: Cluster, bundle: string): Promise<DeploymentJson> {
  return waitForEnd(cluster, await startDeployment(cluster, bundle), 120_000);
}

function waitForEnd(cluster: Cluster, id: string, timeoutMs: number): Promise<DeploymentJson> {
  return eventually(`deployment ${id} to finish`, async () => {
    const deployment = await get(cluster, id);
    return isFinished(deployment) ? deployment : undefined;
  }, timeoutMs);
}

function eventOf(deployment: DeploymentJson, host: string, event: string) {
  const found = deployment.instances.find((i) => i.name === host)?.lifecycleEvents.find((e) => e.lifecycleEventName === event);
  if (!found) throw new Error(`no ${event} on ${host} in ${deployment.deploymentId}`);
  return found;
}

/** `host event deployment ×n` for every hook a host ran more than once, read from its hooks.log (bundles.ts). */
function hooksRunTwice(agents: readonly TestAgent[]): string[] {
  return agents.flatMap((agent) => {
    const counts = new Map<string, number>();
    for (const line of agent.read('hooks.log').split('\n').filter((l) => l !== '')) {
      const [event, , deployment] = line.split(' ');
      const key = `${event} ${deployment}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${agent.name} ${key} ×${count}`);
  });
}

async function expectOk(result: Promise<{ exitCode: number | null; stdout: string; stderr: string }>): Promise<void> {
  const { exitCode, stdout, stderr } = await result;
  if (exitCode !== 0) throw new Error(`command failed (${exitCode}):\n${stdout}\n${stderr}`);
}
