/**
 * Chaos: an agent is killed with SIGKILL mid-download, mid-install and mid-hook, then started again. Given
 * three hosts deploying one at a time with auto-rollback, the interrupted event fails at once on restart as
 * AgentRestarted, the deployment fails and rolls the host back, and every host's files are then exactly the
 * old revision's (checksummed against it, never a mix of two revisions), with no event run twice.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTerminalDeploymentStatus } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batonOk, deployBundle } from '../harness/chaos-cli.js';
import { ChaosApi } from '../harness/chaos-api.js';
import { installedRevision, writeChaosBundle, type ChaosBundle, type ChaosBundleSpec } from '../harness/chaos-bundles.js';
import { eventsRunTwice, readLedger } from '../harness/chaos-ledger.js';
import { Cluster, type TestAgent } from '../harness/cluster.js';
import { LONG } from '../harness/long-form.js';
import { eventually, sleep } from '../harness/processes.js';

const APP = 'chaos';
const GROUP = 'web';
/** Enough files that copying them takes a while: the install can be caught half done. */
const FILES = 500;
/** Enough bytes that the download can be caught half done. */
const BIG_BUNDLE_BYTES = 160 * 1024 * 1024;
const REPEATS = LONG ? 3 : 1;

/** A moment to kill at: the revision to deploy, the event that is then running, and how to tell the moment has come. */
interface Moment {
  readonly name: string;
  readonly event: string;
  readonly spec: (version: string) => ChaosBundleSpec;
  /** Whether `agent` is at the moment now, in deployment `deploymentId`. */
  readonly reached: (agent: TestAgent, deploymentId: string) => boolean;
}

const MOMENTS: readonly Moment[] = [
  {
    name: 'mid-download',
    event: 'DownloadBundle',
    spec: (version) => ({ version, files: FILES, bigFileBytes: BIG_BUNDLE_BYTES, tar: true }),
    reached: (agent, deploymentId) => partialDownloadOf(agent, deploymentId),
  },
  {
    name: 'mid-install',
    event: 'Install',
    spec: (version) => ({ version, files: FILES }),
    reached: (agent) => halfInstalled(agent, FILES),
  },
  {
    name: 'mid-hook',
    event: 'AfterInstall',
    spec: (version) => ({ version, files: FILES, sleepAt: { hook: 'AfterInstall', seconds: 30 } }),
    // The ledger line, not the deployment's InProgress: the coordinator marks an event InProgress when it sends
    // it, and an agent killed before it journaled the command rightly runs it once when it is sent again.
    reached: (agent, deploymentId) => readLedger(agent).some((entry) => entry.deploymentId === deploymentId && entry.event === 'AfterInstall'),
  },
];

describe('an agent killed mid-download, mid-install and mid-hook', () => {
  let cluster: Cluster;
  let api: ChaosApi;
  let bundles: string;
  let base: ChaosBundle;
  const figures = { kills: 0, deployments: 0, rightState: 0 };

  beforeAll(async () => {
    cluster = await Cluster.start({ agents: 3, heartbeatIntervalMs: 300, offlineEventTimeoutMs: 10_000 });
    api = new ChaosApi(cluster);
    bundles = mkdtempSync(join(tmpdir(), 'baton-chaos-'));
    await batonOk(cluster, ['app', 'create', APP]);
    await batonOk(cluster, ['group', 'create', APP, GROUP, '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback']);
    base = writeChaosBundle(join(bundles, 'base'), { version: 'base', files: FILES });
    const first = await deploy(base);
    expect((await finished(first)).status).toBe('Succeeded');
  }, 180_000);

  afterAll(async () => {
    console.log(`[chaos] agent kill -9 figures: ${JSON.stringify(figures)}`);
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  for (let repeat = 1; repeat <= REPEATS; repeat++) {
    for (const moment of MOMENTS) {
      it(`${moment.name} (${repeat}/${REPEATS}): ${moment.event} fails as AgentRestarted and the rollback leaves the old revision whole`, async () => {
        const revision = writeChaosBundle(join(bundles, `${moment.name}-${repeat}`), moment.spec(`${moment.name}-${repeat}`));
        const id = await deploy(revision);
        const victim = await killAtMoment(moment, id);

        const failed = await eventually(`deployment ${id} to fail`, async () => {
          const d = await api.deployment(id);
          return d.status === 'Failed' ? d : undefined;
        }, 60_000);
        const event = failed.instances.find((i) => i.name === victim.name)?.lifecycleEvents.find((e) => e.lifecycleEventName === moment.event);
        expect(event?.status).toBe('Failed');
        expect(event?.diagnostics?.errorCode).toBe('AgentRestarted');
        expect(failed.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
        figures.deployments += 1;
        figures.rightState += 1;

        const rollbackId = failed.rollbackInfo?.rollbackDeploymentId;
        expect(rollbackId).toBeTruthy();
        const rollback = await finished(rollbackId!);
        expect(rollback.status).toBe('Succeeded');
        expect(rollback.instances.map((i) => i.name)).toEqual([victim.name]);
        figures.deployments += 1;
        figures.rightState += 1;

        await cluster.waitForOnlineHosts(3);
        for (const agent of cluster.agents) expect(`${agent.name}: ${installedRevision(agent, [base, revision])}`).toBe(`${agent.name}: base`);
        expect(eventsRunTwice(cluster.agents)).toEqual([]);
      }, 180_000);
    }
  }

  /** Polls every agent closely until one reaches the moment, then kills it with SIGKILL and starts it again. */
  async function killAtMoment(moment: Moment, deploymentId: string): Promise<TestAgent> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      for (const agent of cluster.agents) {
        if (!moment.reached(agent, deploymentId)) continue;
        await agent.process!.kill('SIGKILL');
        figures.kills += 1;
        console.log(`[chaos] ${moment.name}: SIGKILL to ${agent.name}`);
        agent.start();
        return agent;
      }
      if (Date.now() > deadline) throw new Error(`no agent reached ${moment.name} of ${deploymentId} within 60 s: ${JSON.stringify(await api.deployment(deploymentId))}`);
      await sleep(5);
    }
  }

  const deploy = (bundle: ChaosBundle): Promise<string> => deployBundle(cluster, APP, GROUP, bundle.path);

  const finished = (id: string) =>
    eventually(`deployment ${id} to finish`, async () => {
      const d = await api.deployment(id);
      return isTerminalDeploymentStatus(d.status) ? d : undefined;
    }, 120_000);
});

/** The agent is downloading the deployment's bundle: its part file exists and is not yet complete. */
function partialDownloadOf(agent: TestAgent, deploymentId: string): boolean {
  const root = join(agent.root, 'var/lib/baton-agent/deployment-root');
  if (!existsSync(root)) return false;
  return readdirSync(root).some((groupId) => existsSync(join(root, groupId, deploymentId, 'bundle.part')));
}

/**
 * The install is under way: some but not all files are in the destination, and they are the new revision's.
 * (While the previous install is cleaned up first, the files present are the old revision's.)
 */
function halfInstalled(agent: TestAgent, files: number): boolean {
  const destination = join(agent.appDir, 'app');
  try {
    const names = readdirSync(destination);
    if (names.length === 0 || names.length >= files) return false;
    return readFileSync(join(destination, names[0]!), 'utf8').startsWith('mid-install');
  } catch (error) {
    // The destination folder itself is removed and made again between the cleanup and the copies.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
