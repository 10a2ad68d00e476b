import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineRunner } from '../runner/engine-runner.js';
import type { DeploymentRecord } from '../store/deployments.js';
import { setHostOnline } from '../store/hosts.js';
import { activeResources, expectNothingLeaked } from '../testing/active-resources.test-support.js';
import { deployFixture, seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { FakeFleet, type Received } from '../testing/fake-fleet.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { CoordinatorMetrics } from './coordinator-metrics.js';
import { sampleValue } from './prometheus-text.test-support.js';

describe('the coordinator metrics, after real deployments', () => {
  let temp: TempDatabase;
  let fixture: DeploymentFixture;
  let fleet: FakeFleet;
  let runner: EngineRunner;
  let metrics: CoordinatorMetrics;
  let resources: string[];

  beforeEach(() => {
    resources = activeResources();
    temp = openTempDatabase();
    fixture = seedDeploymentFixture(temp.db, new Date(), { hostCount: 2, autoRollback: true });
    fleet = new FakeFleet(fixture.hosts.map((host) => host.id));
    runner = new EngineRunner(temp.db, fleet, pino({ level: 'silent' }), { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 30_000 });
    fleet.attach(runner);
    metrics = new CoordinatorMetrics(temp.db);
    runner.feed.subscribe((change) => metrics.observe(change));
    runner.recover();
  });
  afterEach(async () => {
    runner.close();
    temp.cleanup();
    await expectNothingLeaked(resources);
  });

  const deploy = (revision: number): DeploymentRecord => deployFixture(runner, fixture, revision);
  const scrape = () => metrics.registry.metrics();
  /** Fails Install on the first host (so the deployment fails) in `deployment` only, not in its rollback. */
  const failingInstall =
    (deployment: DeploymentRecord) =>
    ({ hostId, command }: Received) =>
      command.deployment.deploymentId === deployment.id && hostId === fixture.hosts[0]!.id && command.event === 'Install' ? 'Failed' : 'Succeeded';

  it('shows active deployments, events in flight and connected hosts while a deployment runs', async () => {
    setHostOnline(temp.db, fixture.hosts[0]!.id, true, new Date());
    deploy(0);
    const text = await scrape();
    expect(sampleValue(text, 'baton_deployments_active', { status: 'InProgress' })).toBe(1);
    expect(sampleValue(text, 'baton_deployments_active', { status: 'Queued' })).toBe(0);
    expect(sampleValue(text, 'baton_lifecycle_events_in_flight')).toBe(1);
    expect(sampleValue(text, 'baton_hosts_connected')).toBe(1);
    expect(sampleValue(text, 'baton_deployments_total', { status: 'Succeeded' })).toBe(0);
  });

  it('counts finished deployments by status, rollbacks, and times deployments and hooks', async () => {
    deploy(0);
    fleet.answerAll();
    const failing = deploy(1);
    fleet.answerAll(failingInstall(failing)); // fails, and its automatic rollback redeploys revision 0 and succeeds
    const text = await scrape();

    expect(sampleValue(text, 'baton_deployments_total', { status: 'Succeeded' })).toBe(2);
    expect(sampleValue(text, 'baton_deployments_total', { status: 'Failed' })).toBe(1);
    expect(sampleValue(text, 'baton_deployments_total', { status: 'Stopped' })).toBe(0);
    expect(sampleValue(text, 'baton_rollbacks_total')).toBe(1);
    expect(sampleValue(text, 'baton_deployment_duration_seconds_count', { status: 'Succeeded' })).toBe(2);
    expect(sampleValue(text, 'baton_deployment_duration_seconds_count', { status: 'Failed' })).toBe(1);
    expect(sampleValue(text, 'baton_lifecycle_event_duration_seconds_count', { event: 'Install', status: 'Failed' })).toBe(1);
    expect(sampleValue(text, 'baton_lifecycle_event_duration_seconds_count', { event: 'Install', status: 'Succeeded' })).toBeGreaterThanOrEqual(3);
    expect(sampleValue(text, 'baton_deployments_active', { status: 'InProgress' })).toBe(0);
    expect(sampleValue(text, 'baton_lifecycle_events_in_flight')).toBe(0);
    // The default process metrics are there too.
    expect(sampleValue(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts webhook failures', async () => {
    metrics.countWebhookFailure();
    metrics.countWebhookFailure();
    expect(sampleValue(await scrape(), 'baton_webhook_failures_total')).toBe(2);
  });
});
