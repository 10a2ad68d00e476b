/**
 * Blue/green rollback time: real agents serve the web test bundle behind a real HAProxy; a deployment waits in
 * its termination wait with the new environment serving, and the benchmark asks for a rollback while a
 * request loop runs. The figure is the time from the rollback request being sent (the decision) to the first
 * request from which every answer comes from the old environment: 100% of traffic is back.
 */
import { ApiClient } from '../../packages/coordinator/src/cli/api-client.js';
import { WebCluster } from '../../test/harness/web-cluster.js';
import { RequestStream, failures, type Sample } from '../../test/harness/web-traffic.js';
import { formatMs, median, type Figure } from './report.js';

export interface BlueGreenRollbackOptions {
  readonly runs: number;
}

export async function runBlueGreenRollbackBenchmark(options: BlueGreenRollbackOptions, log: (line: string) => void): Promise<Figure[]> {
  const web = await WebCluster.start({ agents: 4, tags: (index) => `role=web,env=${index <= 2 ? 'blue' : 'green'}` });
  try {
    const api = new ApiClient({ baseUrl: web.cluster.url, token: web.cluster.token });
    const group = (terminationWait: string) => ({
      deploymentConfig: 'CodeDeployDefault.AllAtOnce',
      strategy: { type: 'blueGreen', blueGreen: { environmentTag: 'env', terminationWait, traffic: { type: 'AllAtOnce' } } },
      trafficRouter: web.trafficRouter(),
    });
    await web.applyGroup(group('1s'));
    await expectStatus(web, await web.deploy(web.bundle({ version: 'v0' })), 'Succeeded');
    await web.applyGroup(group('10m'));

    const latencies: number[] = [];
    let failed = 0;
    for (let run = 1; run <= options.runs; run++) {
      const id = await web.deploy(web.bundle({ version: `v${run}` }));
      await web.until(id, 'in its termination wait', (d) => d.status === 'Baking');
      const stream = new RequestStream(web.url);
      await waitForSamples(stream, 50);
      const decidedAt = Date.now();
      await api.post(`/api/v1/deployments/${id}/rollback`);
      const rollbackId = (await web.get(id)).rollbackInfo?.rollbackDeploymentId;
      if (!rollbackId) throw new Error(`deployment ${id} started no rollback`);
      await expectStatus(web, rollbackId, 'Succeeded');
      await waitForSamples(stream, stream.samples.length + 50);
      const samples = await stream.stop();
      failed += failures(samples).length;
      // Every rollback returns to the environment that kept v0.
      const latency = timeToAllOld(samples, decidedAt, 'v0');
      latencies.push(latency);
      log(`  run ${run}: v${run} rolled back to v0; 100% of traffic on the old environment after ${formatMs(latency)} (${samples.length} requests, ${failures(samples).length} failed)`);
    }
    const worst = Math.max(...latencies);
    return [
      { name: 'blue/green rollback: decision → 100% traffic on the old environment (median)', measured: formatMs(median(latencies)), goal: '< 1 s', met: median(latencies) < 1000 },
      { name: `blue/green rollback: worst of ${options.runs}`, measured: formatMs(worst), goal: '< 1 s', met: worst < 1000 },
      { name: 'blue/green rollback: failed requests during the rollbacks', measured: String(failed), goal: '0', met: failed === 0 },
    ];
  } finally {
    await web.stop();
  }
}

/**
 * The time from `decidedAt` to the first request after which every answer is `oldVersion`. The stream sends one
 * request at a time, so the figure's resolution is one request's round trip (about a millisecond on loopback).
 */
function timeToAllOld(samples: readonly Sample[], decidedAt: number, oldVersion: string): number {
  const after = samples.filter((s) => s.sentAt >= decidedAt);
  const lastOther = after.findLastIndex((s) => s.answer?.version !== oldVersion);
  const first = after[lastOther + 1];
  if (!first) throw new Error(`traffic never came back to ${oldVersion}`);
  return first.sentAt - decidedAt;
}

async function waitForSamples(stream: RequestStream, count: number): Promise<void> {
  while (stream.samples.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function expectStatus(web: WebCluster, id: string, status: string): Promise<void> {
  const done = await web.finished(id, 120_000);
  if (done.status !== status) throw new Error(`deployment ${id} ended ${done.status}, not ${status}: ${done.errorInformation?.message ?? ''}`);
}
