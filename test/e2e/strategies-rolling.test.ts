/**
 * End to end, rolling by zone and new hosts: four real agents in two zones (web1, web2 in z1; web3, web4 in
 * z2) serve a small web application. Given a group that rolls one zone at a time with a bake after the first
 * zone, the second zone starts only when that bake has ended; a bundle failing in the first zone stops the
 * deployment before the second zone. A host enrolled afterwards receives the last good revision by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/processes.js';
import { WebCluster, type Deployment } from '../harness/web-cluster.js';
import { sendRequest } from '../harness/web-traffic.js';

const ZONE_1 = ['web1', 'web2'];
const ZONE_2 = ['web3', 'web4'];
const FIRST_ZONE_BAKE_MS = 4_000;

describe('rolling deployments by zone', () => {
  let web: WebCluster;

  beforeAll(async () => {
    web = await WebCluster.start({ agents: 4, haproxy: false, tags: (index) => `role=web,zone=${index <= 2 ? 'z1' : 'z2'}` });
    await web.applyGroup({
      strategy: {
        type: 'rolling',
        rolling: { batches: '100%', zoneTag: 'zone', bake: '0s', firstZoneBake: `${FIRST_ZONE_BAKE_MS / 1000}s`, maxFailures: { perBatch: 0, total: 0 } },
      },
      outdatedInstances: 'UPDATE',
    });
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
  });

  const hostsOf = (deployment: Deployment, zone: readonly string[]) => deployment.instances.filter((i) => zone.includes(i.name));
  const answerOf = async (agentName: string) => (await sendRequest(web.directUrl(agentName))).answer;

  it('starts the second zone only after the first zone baked', async () => {
    const done = await web.finished(await web.deploy(web.bundle({ version: 'v1' })));
    expect(done.status).toBe('Succeeded');
    const zone1End = Math.max(...hostsOf(done, ZONE_1).map((i) => Date.parse(i.lifecycleEvents.at(-1)!.endTime!)));
    const zone2Start = Math.min(...hostsOf(done, ZONE_2).map((i) => Date.parse(i.lifecycleEvents.find((e) => e.startTime)!.startTime!)));
    expect(zone2Start - zone1End).toBeGreaterThanOrEqual(FIRST_ZONE_BAKE_MS);
    expect(zone2Start - zone1End).toBeLessThan(FIRST_ZONE_BAKE_MS + 3_000);
    for (const name of [...ZONE_1, ...ZONE_2]) expect(await answerOf(name)).toEqual({ version: 'v1', host: name });
  });

  it('stops the deployment when the first zone fails: the second zone is never touched', async () => {
    const failed = await web.finished(await web.deploy(web.bundle({ version: 'v2', failAt: 'ValidateService' })));
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    for (const host of hostsOf(failed, ZONE_1)) expect(host.status).toBe('Failed');
    for (const host of hostsOf(failed, ZONE_2)) {
      expect(host.status).toBe('Skipped');
      expect(web.agents.find((a) => a.name === host.name)!.read('hooks.log')).not.toContain('version=v2');
      expect(await answerOf(host.name)).toEqual({ version: 'v1', host: host.name });
    }
  });

  it('gives a host enrolled later the last successful revision without a command', async () => {
    const newcomer = await web.addAgent('role=web,zone=z2');
    const answer = await eventually('the new host to serve', () => answerOf(newcomer.name), 60_000);
    expect(answer).toEqual({ version: 'v1', host: newcomer.name });
    expect(newcomer.read('app/version.txt')).toBe('v1\n');
    const deployments = await web.cluster.batonJson<{ creator: string; status: string; deploymentOverview: { Succeeded: number } }[]>([
      'deployment', 'list', '--app', 'shop', '--group', 'web',
    ]);
    const update = deployments.find((d) => d.creator === 'autoUpdate');
    expect(update).toMatchObject({ status: 'Succeeded', deploymentOverview: { Succeeded: 1 } });
  });
});
