import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import type { TriggerEvent, TriggerFormat } from '@baton/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentChange } from '../runner/deployment-feed.js';
import { openDatabase, type Database } from '../store/database.js';
import { activeResources, expectNothingLeaked } from '../testing/active-resources.test-support.js';
import { seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { listDeliveries } from './delivery-store.js';
import { loadSecretsKey } from '../variables/secrets-key.js';
import { sealTriggerSecret } from './trigger-secret-box.js';
import { addTrigger } from './trigger-store.js';
import { WebhookDispatcher, type WebhookOptions } from './webhook-dispatcher.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.test-support.js';

const SECRET = 'the-shared-secret';
const logger = pino({ level: 'silent' });
const fast: WebhookOptions = { retry: { attempts: 5, initialBackoffMs: 20 }, timeoutMs: 2000 };

describe('the webhook dispatcher', () => {
  let temp: TempDatabase;
  let db: Database;
  let fixture: DeploymentFixture;
  let receiver: WebhookReceiver | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let resources: string[];

  beforeEach(() => {
    resources = activeResources();
    temp = openTempDatabase();
    db = temp.db;
    fixture = seedDeploymentFixture(db, new Date(), { hostCount: 1 });
  });
  afterEach(async () => {
    await dispatcher?.stop();
    await receiver?.close();
    dispatcher = receiver = undefined;
    temp.cleanup();
    await expectNothingLeaked(resources);
  });

  /** The key the coordinator would load for this data directory (made on first use, read after). */
  const key = () => loadSecretsKey({ dataDir: temp.dir }, db);
  const addHook = (url: string, events: TriggerEvent[], format: TriggerFormat = 'json', name = 'ops') => {
    const added = addTrigger(db, fixture.group.id, { name, url, events, format, ...sealTriggerSecret(key(), 'trs-aaaaaaaaaaaa', SECRET) }, new Date());
    if (!added.ok) throw new Error(added.error);
  };
  const startDispatcher = (options: WebhookOptions = fast, onAttemptFailed?: () => void) => {
    dispatcher = new WebhookDispatcher(db, key(), options, logger, { ...(onAttemptFailed ? { onAttemptFailed } : {}) });
    dispatcher.start();
    return dispatcher;
  };
  const of = () => ({ deploymentId: 'd-1', applicationName: 'web', groupName: 'prod', groupId: fixture.group.id, at: '2030-01-01T00:00:00.000Z' });
  const failed: () => DeploymentChange = () => ({
    ...of(),
    type: 'deployment',
    creator: 'user',
    status: 'Failed',
    previousStatus: 'InProgress',
    errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many hosts failed' },
  });

  it('posts the event as JSON, named and signed in its headers', async () => {
    receiver = await startWebhookReceiver();
    addHook(receiver.url, ['DeploymentFailure']);
    startDispatcher().onChange(failed());

    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toEqual({
      event: 'DeploymentFailure',
      trigger: 'ops',
      deploymentId: 'd-1',
      applicationName: 'web',
      deploymentGroupName: 'prod',
      status: 'Failed',
      previousStatus: 'InProgress',
      host: null,
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'too many hosts failed' },
      time: '2030-01-01T00:00:00.000Z',
    });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-baton-event']).toBe('DeploymentFailure');
    expect(request!.headers['x-baton-delivery']).toMatch(/^whd-[a-z2-7]{12}$/);
    const expected = createHmac('sha256', SECRET).update(request!.body).digest('hex');
    expect(request!.headers['x-baton-signature']).toBe(`sha256=${expected}`);
    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.status === 'succeeded');
    expect(listDeliveries(db, fixture.group.id, 10)).toMatchObject([{ triggerName: 'ops', event: 'DeploymentFailure', attempts: 1, lastStatusCode: 204 }]);
  });

  it('sends only the events a trigger asks for, and names the host and its failed event for instance events', async () => {
    receiver = await startWebhookReceiver();
    addHook(receiver.url, ['InstanceFailure'], 'slack');
    const d = startDispatcher();
    const host = { ...of(), hostId: fixture.hosts[0]!.id, hostName: 'web-1' };
    d.onChange(failed());
    d.onChange({ ...host, type: 'lifecycle-event', event: 'ValidateService', status: 'Failed', diagnostics: { errorCode: 'ScriptFailed', message: 'exit code 3', logTail: '' } });
    d.onChange({ ...host, type: 'instance', status: 'Failed', previousStatus: 'InProgress' });

    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toEqual({
      text: 'Baton: web/prod host web-1 in deployment d-1 failed — ValidateService ScriptFailed: exit code 3',
    });
    expect(request!.headers['x-baton-event']).toBe('InstanceFailure');
    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.status === 'succeeded');
    expect(receiver.received).toHaveLength(1);
  });

  it('retries with backoff until the receiver takes it, sending the same delivery each time', async () => {
    receiver = await startWebhookReceiver((index) => (index < 2 ? 503 : 200));
    addHook(receiver.url, ['DeploymentFailure']);
    let failures = 0;
    startDispatcher(fast, () => failures++).onChange(failed());

    const requests = await receiver.waitFor(3);
    expect(new Set(requests.map((r) => r.headers['x-baton-delivery'])).size).toBe(1);
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.status === 'succeeded');
    expect(listDeliveries(db, fixture.group.id, 10)).toMatchObject([{ status: 'succeeded', attempts: 3, lastStatusCode: 200 }]);
    expect(failures).toBe(2);
  });

  it('gives up after the last attempt and logs why', async () => {
    receiver = await startWebhookReceiver(() => 500);
    addHook(receiver.url, ['DeploymentFailure']);
    startDispatcher({ ...fast, retry: { attempts: 3, initialBackoffMs: 10 } }).onChange(failed());

    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.status === 'failed');
    expect(receiver.received).toHaveLength(3);
    expect(listDeliveries(db, fixture.group.id, 10)).toMatchObject([
      { status: 'failed', attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500: receiver says no', nextAttemptAt: undefined },
    ]);
  });

  it('counts an attempt that gets no answer in time as failed', async () => {
    receiver = await startWebhookReceiver((index) => (index === 0 ? 'hang' : 204));
    addHook(receiver.url, ['DeploymentFailure']);
    startDispatcher({ ...fast, timeoutMs: 200 }).onChange(failed());

    await receiver.waitFor(2);
    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.status === 'succeeded');
    expect(listDeliveries(db, fixture.group.id, 10)[0]).toMatchObject({ attempts: 2, lastStatusCode: 204 });
  });

  it('resumes pending deliveries after a restart, from the SQLite file', async () => {
    receiver = await startWebhookReceiver((index) => (index === 0 ? 503 : 204));
    addHook(receiver.url, ['DeploymentFailure']);
    const slow: WebhookOptions = { ...fast, retry: { attempts: 5, initialBackoffMs: 300 } };
    startDispatcher(slow).onChange(failed());
    await receiver.waitFor(1);
    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.lastStatusCode === 503);
    await dispatcher!.stop();
    db.close();

    // The coordinator comes back: a new connection to the same file, a new dispatcher.
    db = openDatabase(join(temp.dir, 'baton.db'));
    startDispatcher(slow);
    const requests = await receiver.waitFor(2);
    expect(requests[1]!.headers['x-baton-delivery']).toBe(requests[0]!.headers['x-baton-delivery']);
    await eventually(() => listDeliveries(db, fixture.group.id, 10)[0]?.status === 'succeeded');
    expect(listDeliveries(db, fixture.group.id, 10)[0]).toMatchObject({ attempts: 2 });
    await dispatcher!.stop();
    db.close();
  });
});

/** Polls a condition the dispatcher makes true on its own turns. */
async function eventually(condition: () => boolean, withinMs = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= withinMs) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
