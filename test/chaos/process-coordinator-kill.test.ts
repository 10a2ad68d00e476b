/**
 * Chaos: the coordinator is killed with SIGKILL at random moments while deployments run on several hosts, and
 * restarted on the same data directory. Given two groups over three hosts, each with a queue of a good, a bad
 * (ValidateService fails, auto-rollback) and another good revision, whatever the moments of the kills:
 * every deployment ends as it would have without them, no host runs an event twice, and nothing the API
 * showed before a kill (event results, hook output) is missing after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTerminalDeploymentStatus } from '@baton/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batonOk, deployBundle } from '../harness/chaos-cli.js';
import { ChaosApi, type DeploymentWithGroup } from '../harness/chaos-api.js';
import { installedRevision, writeChaosBundle, type ChaosBundle } from '../harness/chaos-bundles.js';
import { eventsRunTwice, readLedger } from '../harness/chaos-ledger.js';
import { startChaosRandom } from '../harness/chaos-random.js';
import { countSnapshot, lostSince, takeSnapshot, type ApiSnapshot } from '../harness/chaos-snapshot.js';
import { Cluster, type TestAgent } from '../harness/cluster.js';
import { LONG } from '../harness/long-form.js';
import { sleep } from '../harness/processes.js';

const APP = 'chaos';
const GROUPS = ['web', 'api'] as const;
/** Long form: 6 rounds of 4 kills, 24 kill moments. */
const ROUNDS = LONG ? 6 : 1;
const KILLS_PER_ROUND = LONG ? 4 : 2;
/** The pause before each kill, drawn from the seed: early (a deployment starting) to late (queues draining). */
const KILL_AFTER_MS = { min: 200, max: 5000 } as const;

interface RoundPlan {
  readonly group: string;
  readonly good: ChaosBundle;
  readonly bad: ChaosBundle;
  readonly last: ChaosBundle;
  readonly ids: { good: string; bad: string; last: string };
}

describe('the coordinator killed at random moments of running deployments', () => {
  const random = startChaosRandom('coordinator kill -9');
  let cluster: Cluster;
  let api: ChaosApi;
  let bundles: string;
  const figures = { rounds: 0, kills: 0, deployments: 0, rightState: 0, finishedEventsCompared: 0, logLinesCompared: 0, lost: 0 };

  beforeAll(async () => {
    // A long offline timeout: a restart must not cost an event its host (agents reconnect within seconds).
    cluster = await Cluster.start({ agents: 3, heartbeatIntervalMs: 300, offlineEventTimeoutMs: 30_000 });
    api = new ChaosApi(cluster);
    bundles = mkdtempSync(join(tmpdir(), 'baton-chaos-'));
    await batonOk(cluster, ['app', 'create', APP]);
    for (const group of GROUPS) {
      await batonOk(cluster, ['group', 'create', APP, group, '--tag', 'role=web', '--config', 'CodeDeployDefault.OneAtATime', '--auto-rollback']);
    }
  }, 120_000);

  afterAll(async () => {
    console.log(`[chaos] coordinator kill -9 figures: ${JSON.stringify(figures)}`);
    await cluster?.stop();
    if (bundles) rmSync(bundles, { recursive: true, force: true });
  });

  it(
    `ends every deployment right after ${ROUNDS * KILLS_PER_ROUND} kill(s), runs nothing twice and loses nothing recorded`,
    async () => {
      const problems: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) problems.push(...(await runRound(round)));
      expect(problems).toEqual([]);
      expect(figures.kills).toBeGreaterThanOrEqual(LONG ? 20 : 1);
    },
    LONG ? 1_800_000 : 240_000,
  );

  /** Queues the round's deployments, kills the coordinator KILLS_PER_ROUND times, then checks the outcome. */
  async function runRound(round: number): Promise<string[]> {
    figures.rounds += 1;
    const earlier = new Set((await api.deploymentsOf(APP)).map((d) => d.deploymentId));
    const plans: RoundPlan[] = [];
    for (const group of GROUPS) {
      const bundle = (name: string, extra: { failAt?: string } = {}) =>
        writeChaosBundle(join(bundles, `${group}-r${round}-${name}`), { version: `${group}-r${round}-${name}`, destination: group, hookSeconds: 0.3, ...extra });
      plans.push({ group, good: bundle('good'), bad: bundle('bad', { failAt: 'ValidateService' }), last: bundle('last'), ids: { good: '', bad: '', last: '' } });
    }
    for (const key of ['good', 'bad', 'last'] as const) {
      for (const plan of plans) plan.ids[key] = await deploy(plan.group, plan[key]);
    }

    const snapshots: ApiSnapshot[] = [];
    const problems: string[] = [];
    for (let kill = 1; kill <= KILLS_PER_ROUND; kill++) {
      const pause = random.between(KILL_AFTER_MS.min, KILL_AFTER_MS.max);
      await sleep(pause);
      const before = await takeSnapshot(api, APP);
      if ([...before.deployments.values()].every((d) => isTerminalDeploymentStatus(d.status))) break;
      await cluster.coordinator.kill('SIGKILL');
      figures.kills += 1;
      console.log(`[chaos] round ${round}, kill ${kill}: SIGKILL after ${pause} ms (${describeProgress(before)})`);
      await cluster.startCoordinator();
      snapshots.push(before);
      problems.push(...lostSince(before, await takeSnapshot(api, APP)).map((p) => `round ${round}, right after kill ${kill}: ${p}`));
    }

    await api.allFinished(APP, 240_000);
    const final = await takeSnapshot(api, APP);
    for (const before of snapshots) {
      const lost = lostSince(before, final);
      const counts = countSnapshot(before);
      figures.finishedEventsCompared += counts.finishedEvents;
      figures.logLinesCompared += counts.logLines;
      figures.lost += lost.length;
      problems.push(...lost.map((p) => `round ${round}, at the end: ${p}`));
    }
    problems.push(...checkOutcomes(round, plans, [...final.deployments.values()].filter((d) => !earlier.has(d.deploymentId))));
    problems.push(...eventsRunTwice(cluster.agents).map((twice) => `round ${round}: ran twice: ${twice}`));
    for (const plan of plans) {
      for (const agent of cluster.agents) {
        const installed = installedRevision(agent, [plan.good, plan.bad, plan.last]);
        if (installed !== plan.last.version) {
          problems.push(`round ${round}: ${agent.name} holds ${installed} in ${plan.group}, expected ${plan.last.version}; it ran ${describeLedger(agent, plan)}`);
        }
      }
    }
    return problems;
  }

  /** The outcome each of the round's deployments has without faults; any other it made (an auto-update) must succeed. */
  function checkOutcomes(round: number, plans: readonly RoundPlan[], made: readonly DeploymentWithGroup[]): string[] {
    const problems: string[] = [];
    const expected = new Map<string, string>();
    for (const plan of plans) {
      expected.set(plan.ids.good, 'Succeeded');
      expected.set(plan.ids.last, 'Succeeded');
      expected.set(plan.ids.bad, 'Failed HEALTH_CONSTRAINTS');
      const rollbackId = made.find((d) => d.deploymentId === plan.ids.bad)?.rollbackInfo?.rollbackDeploymentId;
      if (rollbackId) expected.set(rollbackId, 'Succeeded');
      else problems.push(`round ${round}: the failed ${plan.bad.version} (${plan.ids.bad}) started no rollback`);
    }
    for (const deployment of made) {
      const outcome = outcomeOf(deployment);
      const wanted = expected.get(deployment.deploymentId) ?? 'Succeeded';
      figures.deployments += 1;
      if (outcome === wanted) figures.rightState += 1;
      else {
        problems.push(
          `round ${round}: ${deployment.creator} deployment ${deployment.deploymentId} to ${deployment.deploymentGroupName} ended ${outcome}, ` +
            `expected ${wanted}: ${deployment.errorInformation?.message ?? ''} ${describeFailedEvents(deployment)}`,
        );
      }
    }
    return problems;
  }

  const deploy = (group: string, bundle: ChaosBundle): Promise<string> => deployBundle(cluster, APP, group, bundle.path);
});

/** The hooks the host ran for the plan's revisions, in order (`deployment event version`): how it came to hold what it holds. */
function describeLedger(agent: TestAgent, plan: RoundPlan): string {
  const versions = new Set([plan.good.version, plan.bad.version, plan.last.version]);
  return readLedger(agent)
    .filter((entry) => versions.has(entry.version))
    .map((entry) => `${entry.deploymentId} ${entry.event} ${entry.version}`)
    .join(', ');
}

const outcomeOf = (d: DeploymentWithGroup): string => (d.status === 'Failed' ? `Failed ${d.errorInformation?.code}` : d.status);

/** `host event: code message` for each failed event: why a deployment ended otherwise than expected. */
function describeFailedEvents(deployment: DeploymentWithGroup): string {
  return deployment.instances
    .flatMap((i) => i.lifecycleEvents.filter((e) => e.status === 'Failed').map((e) => `[${i.name} ${e.lifecycleEventName}: ${e.diagnostics?.errorCode} ${e.diagnostics?.message}]`))
    .join(' ');
}

/** Where the unfinished deployments stood at a kill (status, and each host's), for the printed replay log. */
function describeProgress(snapshot: ApiSnapshot): string {
  const running = [...snapshot.deployments.values()].filter((d) => !isTerminalDeploymentStatus(d.status));
  return running.map((d) => `${d.deploymentGroupName} ${d.deploymentId} ${d.status} ${d.instances.map((i) => `${i.name}:${i.status}`).join(',')}`).join('; ');
}
