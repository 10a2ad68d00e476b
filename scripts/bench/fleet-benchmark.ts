/**
 * Part 1: the coordinator under a simulated fleet. A real coordinator process, and a load generator in its own
 * process whose hosts answer every event at once, so the times below are the coordinator's own overhead.
 */
import { join } from 'node:path';
import { sleep } from '../../test/harness/processes.js';
import { writeBenchBundle } from './bench-bundle.js';
import { coordinatorOutputTail, startCoordinator, stopCoordinator } from './coordinator-process.js';
import { deployAndWait, prepareTarget, type FinishedDeployment } from './deployments.js';
import { SIM_TAGS } from './fleet-messages.js';
import { FleetProcess } from './fleet-process.js';
import { waitForOnlineHosts } from './hosts.js';
import { readCpuMs, readRssBytes } from './proc-stats.js';
import { formatMb, formatMs, median, type Figure } from './report.js';

export interface FleetBenchmarkOptions {
  readonly hosts: number;
  readonly oneAtATimeHosts: number;
  readonly allAtOnceRuns: number;
  /** Upper bound of any one deployment. */
  readonly deploymentTimeoutMs: number;
}

const GOALS = { allAtOnceMs: 5_000, perHostMs: 30, rssBytes: 300 * 1048576 };
/** Lets the coordinator finish the writes that follow the connections before its memory is read. */
const SETTLE_MS = 2_000;

export async function runFleetBenchmark(workDir: string, options: FleetBenchmarkOptions, log: (line: string) => void): Promise<Figure[]> {
  const coordinator = await startCoordinator(join(workDir, 'fleet-coordinator'));
  let fleet: FleetProcess | undefined;
  try {
    const { api } = coordinator;
    const coordinatorPid = coordinator.process.pid;
    fleet = await FleetProcess.start({
      url: coordinator.url,
      enrollToken: coordinator.enrollToken,
      hosts: options.hosts,
      subsetHosts: options.oneAtATimeHosts,
      timeoutMs: 30_000,
    });
    log(`  ${options.hosts} simulated hosts enrolled in ${formatMs(fleet.enrollMs)}, connected in ${formatMs(fleet.connectMs)}`);
    await waitForOnlineHosts(api, options.hosts, 30_000);
    await sleep(SETTLE_MS);
    const rssConnected = readRssBytes(coordinatorPid);

    const bundleDir = await writeBenchBundle(join(workDir, 'fleet-bundle'), '/opt/baton-bench');
    const allAtOnce = await prepareTarget(api, {
      app: 'bench-fleet',
      group: 'all-at-once',
      config: 'CodeDeployDefault.AllAtOnce',
      tags: { fleet: SIM_TAGS.fleet },
      bundleDir,
    });
    const oneAtATime = await prepareTarget(api, {
      app: 'bench-fleet-serial',
      group: 'one-at-a-time',
      config: 'CodeDeployDefault.OneAtATime',
      tags: SIM_TAGS,
      bundleDir,
    });

    const before = { coordinatorCpuMs: readCpuMs(coordinatorPid), fleet: await fleet.stats() };
    const runs: FinishedDeployment[] = [];
    for (let run = 0; run < options.allAtOnceRuns; run++) {
      const finished = expectSucceeded(await deployAndWait(api, allAtOnce, options.deploymentTimeoutMs));
      log(`  AllAtOnce to ${options.hosts} hosts, run ${run + 1}: ${formatMs(finished.ms)} (${finished.polls} long polls)`);
      runs.push(finished);
    }
    const after = { coordinatorCpuMs: readCpuMs(coordinatorPid), fleet: await fleet.stats() };
    log(
      `  during those runs the coordinator used ${formatMs(after.coordinatorCpuMs - before.coordinatorCpuMs)} of CPU, ` +
        `the load generator ${formatMs(after.fleet.cpuMs - before.fleet.cpuMs)} (${after.fleet.answered - before.fleet.answered} events answered)`,
    );

    const serial = expectSucceeded(await deployAndWait(api, oneAtATime, options.deploymentTimeoutMs));
    const perHostMs = serial.ms / options.oneAtATimeHosts;
    log(`  OneAtATime to ${options.oneAtATimeHosts} hosts: ${formatMs(serial.ms)}`);

    await sleep(SETTLE_MS);
    const rssAfter = readRssBytes(coordinatorPid);
    const { dropped } = await fleet.stats();
    if (dropped > 0) throw new Error(`${dropped} simulated hosts lost their connection during the benchmark`);

    const allAtOnceMs = median(runs.map((run) => run.ms));
    return [
      {
        name: `AllAtOnce to ${options.hosts} hosts, end to end (median of ${runs.length})`,
        measured: formatMs(allAtOnceMs),
        goal: `< ${formatMs(GOALS.allAtOnceMs)}`,
        met: allAtOnceMs < GOALS.allAtOnceMs,
      },
      {
        name: `OneAtATime overhead per host (${options.oneAtATimeHosts} hosts)`,
        measured: formatMs(perHostMs),
        goal: `< ${formatMs(GOALS.perHostMs)}`,
        met: perHostMs < GOALS.perHostMs,
      },
      {
        name: `coordinator RSS, ${options.hosts} agents connected, idle`,
        measured: formatMb(rssConnected),
        goal: `< ${formatMb(GOALS.rssBytes)}`,
        met: rssConnected < GOALS.rssBytes,
      },
      {
        name: `coordinator RSS, ${options.hosts} agents connected, after the deployments`,
        measured: formatMb(rssAfter),
        goal: `< ${formatMb(GOALS.rssBytes)}`,
        met: rssAfter < GOALS.rssBytes,
      },
    ];
  } catch (error) {
    log(`coordinator output:\n${coordinatorOutputTail(coordinator)}`);
    throw error;
  } finally {
    await fleet?.stop();
    await stopCoordinator(coordinator);
  }
}

function expectSucceeded(deployment: FinishedDeployment): FinishedDeployment {
  if (deployment.status !== 'Succeeded') throw new Error(`deployment ${deployment.deploymentId} ended ${deployment.status}`);
  return deployment;
}
