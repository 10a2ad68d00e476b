import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineRunner } from '../runner/engine-runner.js';
import type { DeploymentRecord } from '../store/deployments.js';
import { activeResources, expectNothingLeaked } from '../testing/active-resources.test-support.js';
import { deployFixture, seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { FakeFleet, type Received } from '../testing/fake-fleet.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { loadSecretsKey } from '../variables/secrets-key.js';
import { sealTriggerSecret } from './trigger-secret-box.js';
import { addTrigger } from './trigger-store.js';
import type { WebhookJsonBody } from './webhook-body.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.test-support.js';

describe('webhooks from real deployments', () => {
  let temp: TempDatabase;
  let fixture: DeploymentFixture;
  let fleet: FakeFleet;
  let runner: EngineRunner;
  let dispatcher: WebhookDispatcher;
  let receiver: WebhookReceiver;
  let resources: string[];

  beforeEach(async () => {
    resources = activeResources();
    temp = openTempDatabase();
    fixture = seedDeploymentFixture(temp.db, new Date(), { hostCount: 2, autoRollback: true });
    receiver = await startWebhookReceiver();
    const key = loadSecretsKey({ dataDir: temp.dir }, temp.db);
    const added = addTrigger(
      temp.db,
      fixture.group.id,
      { name: 'everything', url: receiver.url, events: ['DeploymentStart', 'DeploymentSuccess', 'DeploymentFailure', 'DeploymentRollback', 'InstanceStart', 'InstanceSuccess', 'InstanceFailure'], format: 'json', ...sealTriggerSecret(key, 'trs-aaaaaaaaaaaa', 'a-secret-of-sixteen') },
      new Date(),
    );
    if (!added.ok) throw new Error(added.error);
    fleet = new FakeFleet(fixture.hosts.map((host) => host.id));
    runner = new EngineRunner(temp.db, fleet, pino({ level: 'silent' }), { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 30_000 });
    fleet.attach(runner);
    dispatcher = new WebhookDispatcher(temp.db, key, { retry: { attempts: 3, initialBackoffMs: 20 }, timeoutMs: 2000 }, pino({ level: 'silent' }));
    runner.feed.subscribe((change) => dispatcher.onChange(change));
    runner.recover();
    dispatcher.start();
  });
  afterEach(async () => {
    await dispatcher.stop();
    runner.close();
    await receiver.close();
    temp.cleanup();
    await expectNothingLeaked(resources);
  });

  const deploy = (revision: number): DeploymentRecord => deployFixture(runner, fixture, revision);
  const bodies = async (count: number) => (await receiver.waitFor(count)).map((request) => JSON.parse(request.body) as WebhookJsonBody);
  const summary = (body: WebhookJsonBody) => `${body.event} ${body.host?.name ?? '-'} ${body.status}`;

  it('tells of a deployment and each of its hosts, from start to success', async () => {
    const deployment = deploy(0);
    fleet.answerAll();
    const received = await bodies(6);
    // Attempts run in parallel, so arrival order is not the order of events.
    expect(received.map(summary).sort()).toEqual(
      ['DeploymentStart - InProgress', 'InstanceStart web-1 InProgress', 'InstanceSuccess web-1 Succeeded', 'InstanceStart web-2 InProgress', 'InstanceSuccess web-2 Succeeded', 'DeploymentSuccess - Succeeded'].sort(),
    );
    expect(received.every((body) => body.deploymentId === deployment.id && body.applicationName === 'web' && body.deploymentGroupName === 'prod')).toBe(true);
  });

  it('tells why a deployment and a host failed, and that a rollback started', async () => {
    deploy(0);
    fleet.answerAll();
    await bodies(6);
    const failing = deploy(1);
    const installFailsOnFirstHost = ({ hostId, command }: Received) =>
      command.deployment.deploymentId === failing.id && hostId === fixture.hosts[0]!.id && command.event === 'Install' ? 'Failed' : 'Succeeded';
    fleet.answerAll(installFailsOnFirstHost);
    // Failing: start, web-1 starts and fails, the deployment fails. Its rollback: start + rollback, web-1 starts and succeeds, success.
    const received = (await bodies(6 + 4 + 5)).slice(6);
    const ofFailing = received.filter((body) => body.deploymentId === failing.id);
    expect(ofFailing.find((body) => body.event === 'InstanceFailure')).toMatchObject({
      host: { name: 'web-1' },
      errorInformation: { code: 'ScriptFailed', message: 'exit code 1', lifecycleEvent: 'Install' },
    });
    expect(ofFailing.find((body) => body.event === 'DeploymentFailure')?.errorInformation).toMatchObject({ code: expect.any(String) });
    const rollback = received.filter((body) => body.deploymentId !== failing.id);
    expect(rollback.map((body) => body.event).sort()).toEqual(['DeploymentRollback', 'DeploymentStart', 'DeploymentSuccess', 'InstanceStart', 'InstanceSuccess']);
  });
});
