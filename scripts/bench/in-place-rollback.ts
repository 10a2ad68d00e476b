/**
 * In-place rollback time: ten real agents, hooks that only append a line to a log. A good revision is
 * deployed, then one whose ValidateService fails on every host; the group rolls back by itself. The figure is
 * the time from the failed deployment's end (the failure, which decides the rollback) to the end of the
 * rollback, when every host runs the good revision's files again. The coordinator logs every request at debug
 * level, so the benchmark counts the downloads of each bundle: a host that downloads a revision it already has
 * shows up as a second download.
 */
import { ApiClient } from '../../packages/coordinator/src/cli/api-client.js';
import { writeBundle } from '../../test/harness/bundles.js';
import { Cluster } from '../../test/harness/cluster.js';
import type { DeploymentJson } from '../../test/harness/deployments.js';
import { eventually } from '../../test/harness/processes.js';
import { formatMs, median, type Figure } from './report.js';

export interface InPlaceRollbackOptions {
  readonly hosts: number;
  readonly runs: number;
  /** Where the bundles are written. */
  readonly workDir: string;
}

type Deployment = DeploymentJson & { completeTime?: string; revision: { sha256: string } };

export async function runInPlaceRollbackBenchmark(options: InPlaceRollbackOptions, log: (line: string) => void): Promise<Figure[]> {
  const cluster = await Cluster.start({ agents: options.hosts, heartbeatIntervalMs: 500, coordinatorLogLevel: 'debug' });
  try {
    const api = new ApiClient({ baseUrl: cluster.url, token: cluster.token });
    await cluster.batonJson(['app', 'create', 'shop']);
    await cluster.batonJson(['group', 'create', 'shop', 'web', '--tag', 'role=web', '--config', 'AllAtOnce', '--auto-rollback']);
    const deploy = async (version: string, failAt?: string): Promise<Deployment> => {
      const bundle = writeBundle(`${options.workDir}/${version}`, { version, ...(failAt ? { failAt } : {}) });
      const { deploymentId } = await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', bundle]);
      return finished(api, deploymentId);
    };

    const latencies: number[] = [];
    let redownloads = 0;
    for (let run = 1; run <= options.runs; run++) {
      const good = await deploy(`good${run}`);
      if (good.status !== 'Succeeded') throw new Error(`good${run} ended ${good.status}`);
      const bad = await deploy(`bad${run}`, 'ValidateService');
      const rollbackId = bad.rollbackInfo?.rollbackDeploymentId;
      if (bad.status !== 'Failed' || !rollbackId) throw new Error(`bad${run} ended ${bad.status} without a rollback: ${bad.rollbackInfo?.rollbackMessage ?? ''}`);
      const rollback = await finished(api, rollbackId);
      if (rollback.status !== 'Succeeded') throw new Error(`rollback ${rollbackId} ended ${rollback.status}`);
      const stale = cluster.agents.filter((agent) => agent.read('app/version.txt') !== `good${run}\n`);
      if (stale.length > 0) throw new Error(`after the rollback ${stale.map((a) => a.name).join(', ')} do not run good${run}`);
      const latency = Date.parse(rollback.completeTime!) - Date.parse(bad.completeTime!);
      const downloads = countDownloads(cluster.coordinator.output, good.revision.sha256);
      redownloads += downloads - options.hosts;
      latencies.push(latency);
      log(`  run ${run}: ${options.hosts} hosts back on good${run} ${formatMs(latency)} after the failure; the good bundle was downloaded ${downloads} times`);
    }
    const worst = Math.max(...latencies);
    return [
      { name: `in-place rollback of ${options.hosts} hosts: failure → all on the old revision (median)`, measured: formatMs(median(latencies)), goal: '< 3 s', met: median(latencies) < 3000 },
      { name: `in-place rollback: worst of ${options.runs}`, measured: formatMs(worst), goal: '< 3 s', met: worst < 3000 },
      { name: 'in-place rollback: bundles downloaded a second time', measured: String(redownloads), goal: '0', met: redownloads === 0 },
    ];
  } finally {
    await cluster.stop();
  }
}

/** Successful downloads of the bundle `sha256`, from the coordinator's debug request log. */
function countDownloads(coordinatorOutput: string, sha256: string): number {
  return coordinatorOutput.split('\n').filter((line) => line.includes(`"path":"/agent/v1/revisions/${sha256}"`) && /"status":20[06]/.test(line)).length;
}

function finished(api: ApiClient, id: string): Promise<Deployment> {
  return eventually(`deployment ${id} to finish`, async () => {
    const deployment = await api.get<Deployment>(`/api/v1/deployments/${id}`);
    return ['Succeeded', 'Failed', 'Stopped'].includes(deployment.status) ? deployment : undefined;
  }, 120_000);
}
