/**
 * End to end, canary: three real agents serve a small web application behind a real HAProxy that the
 * coordinator drives through its runtime API. Given the hosts on v1, when v2 is deployed as a canary with a
 * 10% weight, then one host takes 10% of the requests while it bakes and every request carrying `X-Canary: 1`;
 * `baton deployment promote` rolls the rest out. A canary that fails its ValidateService never reaches a second
 * host and is rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/processes.js';
import { WebCluster } from '../harness/web-cluster.js';
import { failures, sendRequest, sendRequests, tally } from '../harness/web-traffic.js';

describe('canary deployments behind HAProxy', () => {
  let web: WebCluster;
  const canaryGroup = (canary: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    deploymentConfig: 'CodeDeployDefault.OneAtATime',
    strategy: { type: 'canary', canary },
    trafficRouter: web.trafficRouter(),
    ...extra,
  });

  beforeAll(async () => {
    web = await WebCluster.start({ agents: 3 });
    await web.applyGroup({ deploymentConfig: 'CodeDeployDefault.AllAtOnce', trafficRouter: web.trafficRouter() });
    const first = await web.finished(await web.deploy(web.bundle({ version: 'v1' })));
    expect(first.status).toBe('Succeeded');
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
  });

  it('sends 10% of the requests and every X-Canary request to the canary while it bakes; promote rolls out the rest', async () => {
    await web.applyGroup(canaryGroup({ hosts: 1, bake: '10s', promote: 'manual', trafficWeight: 10, match: { header: 'X-Canary: 1' } }));
    const id = await web.deploy(web.bundle({ version: 'v2' }));
    const baking = await web.until(id, 'Baking', (d) => d.status === 'Baking');
    const canary = baking.instances.filter((i) => i.status === 'Succeeded');
    expect(canary).toHaveLength(1);
    expect(baking.instances.filter((i) => i.status === 'Pending')).toHaveLength(2);
    const canaryHost = canary[0]!.name;
    // The split is applied just after the bake starts: matched requests reaching the canary mean it is in place.
    await eventually('matched requests to reach the canary', async () => ((await sendRequest(web.url, { 'X-Canary': '1' })).answer?.version === 'v2' ? true : undefined));

    const samples = await sendRequests(web.url, 1000);
    expect(failures(samples)).toEqual([]);
    const toCanary = samples.filter((s) => s.answer?.version === 'v2');
    expect(toCanary.every((s) => s.answer?.host === canaryHost)).toBe(true);
    expect(toCanary.length / samples.length).toBeGreaterThanOrEqual(0.08);
    expect(toCanary.length / samples.length).toBeLessThanOrEqual(0.12);
    const matched = await sendRequests(web.url, 50, { 'X-Canary': '1' });
    expect(tally(matched)).toEqual({ [`v2@${canaryHost}`]: 50 });
    // All of that happened during the bake.
    expect((await web.get(id)).status).toBe('Baking');

    await web.until(id, 'Ready (waiting for promote)', (d) => d.status === 'Ready', 30_000);
    expect((await web.get(id)).instances.filter((i) => i.status === 'Pending')).toHaveLength(2);
    await web.baton(['deployment', 'promote', id]);
    const done = await web.finished(id);
    expect(done.status).toBe('Succeeded');
    expect(done.instances.map((i) => i.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);

    // Weights are back to normal and the header rule is off: every host takes its turn, all on v2.
    const after = await sendRequests(web.url, 30, { 'X-Canary': '1' });
    expect(tally(after)).toEqual({ 'v2@web1': 10, 'v2@web2': 10, 'v2@web3': 10 });
  });

  it('never takes a canary that fails ValidateService past its first host, and rolls it back', async () => {
    await web.applyGroup(canaryGroup({ hosts: 1, bake: '2s', promote: 'auto', trafficWeight: 10 }, { autoRollback: { events: ['DEPLOYMENT_FAILURE'] } }));
    const id = await web.deploy(web.bundle({ version: 'v3', failAt: 'ValidateService' }));
    const failed = await web.finished(id);
    expect(failed.status).toBe('Failed');
    const canary = failed.instances.find((i) => i.status === 'Failed');
    const rest = failed.instances.filter((i) => i !== canary);
    expect(canary?.lifecycleEvents.find((e) => e.lifecycleEventName === 'ValidateService')?.status).toBe('Failed');
    for (const host of rest) {
      expect(host.status).toBe('Skipped');
      expect(host.lifecycleEvents.every((e) => e.status === 'Skipped')).toBe(true);
      expect(web.agents.find((a) => a.name === host.name)!.read('hooks.log')).not.toContain('version=v3');
    }

    const rollbackId = failed.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toBeTruthy();
    const rollback = await web.finished(rollbackId!);
    expect(rollback.status).toBe('Succeeded');
    expect(rollback.creator).toBe('rollback');
    expect(rollback.instances.map((i) => i.name)).toEqual([canary!.name]);
    expect((await sendRequest(web.directUrl(canary!.name))).answer).toEqual({ version: 'v2', host: canary!.name });
    const after = await sendRequests(web.url, 30);
    expect(tally(after)).toEqual({ 'v2@web1': 10, 'v2@web2': 10, 'v2@web3': 10 });
  });
});
