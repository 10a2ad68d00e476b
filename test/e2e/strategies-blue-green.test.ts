/**
 * End to end, blue/green: four real agents (web1, web2 tagged env=blue; web3, web4 env=green) serve a small web
 * application behind a real HAProxy. Given green serving v1, when v2 is deployed under a steady stream of
 * requests, then no request fails and once blue takes traffic every answer is v2. When v3 (on green) is rolled
 * back during its termination wait, traffic goes back to blue and every answer is v2 again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebCluster, type Deployment } from '../harness/web-cluster.js';
import { RequestStream, failures, sendRequests, type Sample } from '../harness/web-traffic.js';

const BLUE = ['web1', 'web2'];
const GREEN = ['web3', 'web4'];

describe('blue/green deployments behind HAProxy under traffic', () => {
  let web: WebCluster;
  const blueGreenGroup = (terminationWait: string) => ({
    deploymentConfig: 'CodeDeployDefault.AllAtOnce',
    strategy: { type: 'blueGreen', blueGreen: { environmentTag: 'env', terminationWait, traffic: { type: 'AllAtOnce' } } },
    trafficRouter: web.trafficRouter(),
  });
  /** When the last host of `environment` finished its AllowTraffic: from then on it alone takes requests. */
  const allowedAt = (deployment: Deployment, environment: readonly string[]) =>
    Math.max(
      ...deployment.instances
        .filter((i) => environment.includes(i.name))
        .map((i) => Date.parse(i.lifecycleEvents.find((e) => e.lifecycleEventName === 'AllowTraffic')!.endTime!)),
    );
  const answeredBy = (samples: readonly Sample[], version: string, environment: readonly string[]) =>
    samples.every((s) => s.answer?.version === version && environment.includes(s.answer.host));

  beforeAll(async () => {
    web = await WebCluster.start({ agents: 4, tags: (index) => `role=web,env=${index <= 2 ? 'blue' : 'green'}` });
    await web.applyGroup(blueGreenGroup('1s'));
    // The first blue/green deployment goes to green; blue leaves the router.
    const first = await web.finished(await web.deploy(web.bundle({ version: 'v1' })));
    expect(first.status).toBe('Succeeded');
    expect(answeredBy(await sendRequests(web.url, 20), 'v1', GREEN)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
  });

  it('switches to the new environment with no failed request; afterwards every answer is the new version', async () => {
    const stream = new RequestStream(web.url);
    const id = await web.deploy(web.bundle({ version: 'v2' }));
    const done = await web.finished(id);
    await sendRequests(web.url, 1); // at least one request after the end
    const samples = await stream.stop();

    expect(done.status).toBe('Succeeded');
    expect(failures(samples)).toEqual([]);
    const switchedAt = allowedAt(done, BLUE);
    const before = samples.filter((s) => s.sentAt < Date.parse(done.instances[0]!.lifecycleEvents[0]!.startTime!));
    const after = samples.filter((s) => s.sentAt > switchedAt);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(answeredBy(before, 'v1', GREEN)).toBe(true);
    expect(answeredBy(after, 'v2', BLUE)).toBe(true);
    expect(answeredBy(await sendRequests(web.url, 20), 'v2', BLUE)).toBe(true);
  });

  it('rolls back during the termination wait by moving traffic back: every answer is the old version again', async () => {
    await web.applyGroup(blueGreenGroup('5m'));
    const stream = new RequestStream(web.url);
    const id = await web.deploy(web.bundle({ version: 'v3' }));
    // Baking is the termination wait: green serves v3, blue is kept.
    const waiting = await web.until(id, 'in its termination wait', (d) => d.status === 'Baking');
    const greenServes = await sendRequests(web.url, 20);
    expect(answeredBy(greenServes, 'v3', GREEN)).toBe(true);

    const decidedAt = Date.now();
    await web.baton(['deployment', 'rollback', id]);
    const stopped = await web.get(id);
    expect(stopped.status).toBe('Stopped');
    const rollback = await web.finished(stopped.rollbackInfo!.rollbackDeploymentId!);
    await sendRequests(web.url, 1);
    const samples = await stream.stop();

    expect(rollback.status).toBe('Succeeded');
    expect(rollback.creator).toBe('rollback');
    // Nothing was installed: blue only took traffic back and green left the router.
    const events = rollback.instances.flatMap((i) => i.lifecycleEvents.map((e) => e.lifecycleEventName));
    expect(events).not.toContain('Install');
    expect(failures(samples)).toEqual([]);
    expect(answeredBy(samples.filter((s) => s.sentAt > allowedAt(waiting, GREEN) && s.sentAt < decidedAt), 'v3', GREEN)).toBe(true);
    const afterRollback = samples.filter((s) => s.sentAt > Date.parse(rollback.completeTime!));
    expect(afterRollback.length).toBeGreaterThan(0);
    expect(answeredBy(afterRollback, 'v2', BLUE)).toBe(true);
    expect(answeredBy(await sendRequests(web.url, 20), 'v2', BLUE)).toBe(true);
  });
});
