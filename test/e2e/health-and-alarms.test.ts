/**
 * End to end, health and alarms: three real agents, a real coordinator and a real Prometheus (Debian's
 * package) scraping an endpoint the test controls. Given the hosts on v1:
 * - when the Prometheus query of an alarm crosses its threshold in the middle of a deployment, the deployment
 *   stops (ALARM_ACTIVE) and the hosts that received the new revision are rolled back to v1;
 * - a host-metric alarm (CPU above 0 for 0 s, from the agents' own reports) stops a deployment;
 * - a canary whose health check fails while it bakes never reaches a second host and is rolled back, while a
 *   healthy canary passes the same checks and rolls out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, Cluster } from '../harness/cluster.js';
import { writeBundle, type BundleSpec } from '../harness/bundles.js';
import { hostRunning, isFinished, type DeploymentJson } from '../harness/deployments.js';
import { eventually } from '../harness/processes.js';
import { startPrometheus, type RunningPrometheus } from '../harness/prometheus.js';

const ERRORS_GAUGE = 'baton_e2e_error_ratio';

describe('health checks and alarms', () => {
  let cluster: Cluster;
  let prometheus: RunningPrometheus;
  let dir: string;

  const applyGroup = async (group: Record<string, unknown>) => {
    const file = join(dir, 'group.yml');
    writeFileSync(file, JSON.stringify({ application: 'shop', name: 'web', hosts: { tags: [{ key: 'role', value: 'web', type: 'KEY_AND_VALUE' }] }, ...group }));
    const applied = await cluster.baton(['group', 'apply', '-f', file]);
    expect(applied.exitCode, applied.stderr).toBe(0);
  };
  const deploy = async (spec: BundleSpec) =>
    (await cluster.batonJson<{ deploymentId: string }>(['deploy', 'shop', 'web', '--bundle', writeBundle(join(dir, spec.version), spec)])).deploymentId;
  const get = (id: string) => cluster.batonJson<DeploymentJson>(['deployment', 'get', id]);
  const finished = (id: string) => eventually(`deployment ${id} to finish`, async () => {
    const deployment = await get(id);
    return isFinished(deployment) ? deployment : undefined;
  }, 60_000);
  const versionOn = (name: string) => cluster.agents.find((agent) => agent.name === name)!.read('app/version.txt').trim();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-health-'));
    prometheus = await startPrometheus({ [ERRORS_GAUGE]: 0 });
    cluster = await Cluster.start({ agents: 3 });
    expect((await cluster.baton(['app', 'create', 'shop'])).exitCode).toBe(0);
    await applyGroup({ deploymentConfig: 'CodeDeployDefault.AllAtOnce' });
    expect((await finished(await deploy({ version: 'v1' }))).status).toBe('Succeeded');
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await prometheus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stops and rolls back a deployment when a Prometheus query crosses its threshold mid-deployment', async () => {
    await applyGroup({
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      alarms: [{ name: 'errors', type: 'prometheus', url: prometheus.url, query: ERRORS_GAUGE, above: 0.05, interval: '500ms' }],
      autoRollback: { events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const id = await deploy({ version: 'v2', sleepAt: { hook: 'ApplicationStart', seconds: 3 } });
    const running = await eventually('the first host to run ApplicationStart', async () => hostRunning(await get(id), 'ApplicationStart'));
    expect((await get(id)).status).toBe('InProgress');

    prometheus.setGauge(ERRORS_GAUGE, 0.2);
    const stopped = await finished(id);
    expect(stopped.status).toBe('Stopped');
    expect(stopped.errorInformation).toEqual({ code: 'ALARM_ACTIVE', message: `Alarm errors fired: ${ERRORS_GAUGE} is 0.2 (above 0.05)` });
    // It stopped before every host had the new revision.
    expect(stopped.instances.some((i) => i.status === 'Skipped'), JSON.stringify(stopped, null, 1)).toBe(true);

    const rollbackId = stopped.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId, JSON.stringify(stopped.rollbackInfo)).toBeTruthy();
    const rollback = await finished(rollbackId!);
    expect(rollback.status).toBe('Succeeded');
    expect(rollback.creator).toBe('rollback');
    expect(rollback.instances.map((i) => i.name)).toContain(running.name);
    for (const agent of cluster.agents) expect(versionOn(agent.name)).toBe('v1');

    prometheus.setGauge(ERRORS_GAUGE, 0);
    await prometheus.waitForValue(ERRORS_GAUGE, 0);
  });

  it('stops a deployment when a host metric crosses its threshold on a host of the deployment', async () => {
    const hosts = await cluster.batonJson<{ name: string; cpuPercent: number | null }[]>(['hosts', 'list']);
    expect(hosts.map((h) => typeof h.cpuPercent)).toEqual(['number', 'number', 'number']);

    await applyGroup({
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      alarms: [{ name: 'busy', type: 'hostMetric', metric: 'cpu', above: 0, for: '0s' }],
      autoRollback: { events: ['DEPLOYMENT_FAILURE'] },
    });
    const id = await deploy({ version: 'v3', sleepAt: { hook: 'ApplicationStart', seconds: 2 } });
    const stopped = await finished(id);
    expect(stopped.status).toBe('Stopped');
    expect(stopped.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(stopped.errorInformation?.message).toMatch(/^Alarm busy fired: cpu on web\d is [\d.]+ \(above 0\)$/);
    expect(stopped.instances.filter((i) => i.status === 'Succeeded')).toEqual([]);
  });

  it('rolls out a canary that stays healthy while it bakes, and stops and rolls back one whose health check fails', async () => {
    const checks = [{ type: 'command', command: `! grep -q sick ${APP_DIR}/app/version.txt`, interval: '300ms', timeout: '2s', unhealthyAfter: 2 }];
    await applyGroup({
      deploymentConfig: 'CodeDeployDefault.OneAtATime',
      strategy: { type: 'canary', canary: { hosts: 1, bake: '4s', promote: 'auto' } },
      healthChecks: checks,
      autoRollback: { events: ['DEPLOYMENT_FAILURE'] },
    });
    const healthy = await finished(await deploy({ version: 'v4' }));
    expect(healthy.status).toBe('Succeeded');
    for (const agent of cluster.agents) expect(versionOn(agent.name)).toBe('v4');

    const id = await deploy({ version: 'v5-sick' });
    const failed = await finished(id);
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    const canary = failed.instances.find((i) => i.status === 'Failed');
    expect(canary, JSON.stringify(failed.instances.map((i) => [i.name, i.status]))).toBeDefined();
    // The canary's events all succeeded: the health check failed it afterwards, while it baked.
    expect(canary!.lifecycleEvents.every((e) => e.status === 'Succeeded')).toBe(true);
    for (const host of failed.instances.filter((i) => i !== canary)) {
      expect(host.status).toBe('Skipped');
      expect(host.lifecycleEvents.every((e) => e.status === 'Skipped')).toBe(true);
      expect(versionOn(host.name)).toBe('v4');
    }

    const rollback = await finished(failed.rollbackInfo!.rollbackDeploymentId!);
    expect(rollback.status, JSON.stringify(rollback, null, 1)).toBe('Succeeded');
    expect(rollback.instances.map((i) => i.name)).toEqual([canary!.name]);
    for (const agent of cluster.agents) expect(versionOn(agent.name)).toBe('v4');
  });
});
