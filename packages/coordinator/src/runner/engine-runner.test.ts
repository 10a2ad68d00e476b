import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../store/database.js';
import { deleteDeploymentGroup, updateDeploymentGroup } from '../store/deployment-groups.js';
import { enrollHost } from '../store/hosts.js';
import { readDeployment, type DeploymentView } from '../store/deployment-read-model.js';
import { insertDeployment, listDeployments, type DeploymentRecord } from '../store/deployments.js';
import { activeResources, expectNothingLeaked } from '../testing/active-resources.test-support.js';
import { deployFixture, seedDeploymentFixture, userDeployment, type DeploymentFixture, type DeploymentFixtureOptions } from '../testing/deployment-fixture.test-support.js';
import { eventResult, FakeFleet, type Outcome, type Received } from '../testing/fake-fleet.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { EngineRunner, type RunnerOptions } from './engine-runner.js';

const IN_PLACE = ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'];
const OPTIONS: RunnerOptions = { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 40 };

describe('EngineRunner', () => {
  let temp: TempDatabase;
  let db: Database;
  let fixture: DeploymentFixture;
  let fleet: FakeFleet;
  let runners: EngineRunner[];
  let now: number;
  let resources: string[];
  const clock = () => now;

  const startRunner = (options: RunnerOptions = OPTIONS): EngineRunner => {
    const runner = new EngineRunner(db, fleet, pino({ level: 'silent' }), options, clock);
    runners.push(runner);
    fleet.attach(runner, clock);
    runner.recover();
    return runner;
  };

  const deploy = (runner: EngineRunner, revision = 0): DeploymentRecord => deployFixture(runner, fixture, revision);

  const view = (id: string): DeploymentView => readDeployment(db, id)!;
  const hostStatuses = (id: string) => Object.fromEntries(view(id).instances!.map((i) => [i.name, i.status]));
  const eventOf = (id: string, hostName: string, event: string) =>
    view(id).instances!.find((i) => i.name === hostName)!.lifecycleEvents.find((e) => e.lifecycleEventName === event)!;
  const count = (sql: string, ...params: string[]): number => (db.prepare(sql).pluck().get(...params) as number);
  const hostId = (name: string) => fixture.hosts.find((host) => host.name === name)!.id;
  /** Succeeds every event except `failing` on `host` in `deployment`. */
  const failingAt =
    (deployment: DeploymentRecord, host: string, failing: string) =>
    ({ hostId: to, command }: Received): Outcome =>
      command.deployment.deploymentId === deployment.id && to === hostId(host) && command.event === failing ? 'Failed' : 'Succeeded';
  /** Fails ValidateService on web-1 in each of `deployments`, succeeds everything else. */
  const failingOnWeb1 =
    (...deployments: DeploymentRecord[]) =>
    (received: Received): Outcome =>
      deployments.some((deployment) => failingAt(deployment, 'web-1', 'ValidateService')(received) === 'Failed') ? 'Failed' : 'Succeeded';

  /** Seeds an application, a group of three connected hosts and three revisions, and starts a runner. */
  const start = (seed: DeploymentFixtureOptions = {}): EngineRunner => {
    fixture = seedDeploymentFixture(db, new Date(now), seed);
    fleet = new FakeFleet(fixture.hosts.map((host) => host.id));
    return startRunner();
  };

  beforeEach(() => {
    resources = activeResources();
    temp = openTempDatabase();
    db = temp.db;
    now = Date.parse('2030-01-01T00:00:00.000Z');
    runners = [];
  });
  afterEach(async () => {
    for (const runner of runners) runner.close();
    // A restart test reopens the file: close whichever connection is current.
    if (db.open) db.close();
    temp.cleanup();
    await expectNothingLeaked(resources);
  });

  describe('deploying', () => {
    it('deploys OneAtATime to three hosts in name order and writes one row per host and per event', () => {
      const runner = start();
      const deployment = deploy(runner);
      expect(deployment.status).toBe('InProgress');

      const visited: string[] = [];
      for (;;) {
        const pending = fleet.pending();
        if (pending.length === 0) break;
        // One host at a time, one event at a time.
        expect(pending).toHaveLength(1);
        const { hostId: to, command } = fleet.answerNext('Succeeded');
        if (command.event === 'ApplicationStop') visited.push(to);
      }

      expect(visited).toEqual(fixture.hosts.map((host) => host.id));
      const done = view(deployment.id);
      expect(done).toMatchObject({ status: 'Succeeded', deploymentOverview: { Succeeded: 3, Pending: 0 } });
      for (const instance of done.instances!) {
        expect(instance.lifecycleEvents.map((e) => [e.lifecycleEventName, e.status])).toEqual(IN_PLACE.map((e) => [e, 'Succeeded']));
      }
      expect(count('SELECT COUNT(*) FROM deployment_hosts WHERE deployment_id = ?', deployment.id)).toBe(3);
      expect(count('SELECT COUNT(*) FROM lifecycle_events WHERE deployment_id = ?', deployment.id)).toBe(3 * IN_PLACE.length);
      expect(count('SELECT COUNT(*) FROM outbox')).toBe(0);
      expect(fleet.delivered).toHaveLength(3 * IN_PLACE.length);
      expect(new Set(fleet.delivered.map(({ command }) => command.commandId)).size).toBe(fleet.delivered.length);
    });

    it('queues every later deployment of a busy group and starts them one by one, in order', () => {
      const runner = start();
      const first = deploy(runner, 0);
      const second = deploy(runner, 1);
      const third = deploy(runner, 2);
      expect([second.status, third.status]).toEqual(['Queued', 'Queued']);
      expect(fleet.pending().every(({ command }) => command.deployment.deploymentId === first.id)).toBe(true);

      fleet.answerAll((received) => (received.command.deployment.deploymentId === first.id ? 'Succeeded' : undefined));
      expect(view(first.id).status).toBe('Succeeded');
      expect(view(second.id).status).toBe('InProgress');
      expect(view(third.id).status).toBe('Queued');

      fleet.answerAll();
      expect([first, second, third].map((d) => view(d.id).status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    });

    it('fails at once with NO_INSTANCES when the group selects no host', () => {
      const runner = start();
      db.prepare(`UPDATE hosts SET tags = '{"env":"staging"}'`).run();
      const deployment = deploy(runner);
      expect(view(deployment.id)).toMatchObject({ status: 'Failed', errorInformation: { code: 'NO_INSTANCES' } });
    });
  });

  describe('the feed', () => {
    it('publishes every status change of a deployment, a queued one and one stopped before it started', () => {
      const runner = start();
      const seen: string[] = [];
      runner.feed.subscribe((change) => {
        if (change.type === 'deployment') seen.push(`${change.deploymentId} ${change.status}`);
        if (change.type === 'instance' && change.status === 'Succeeded') seen.push(`${change.hostName} Succeeded`);
      });
      const first = deploy(runner, 0);
      const second = deploy(runner, 1);
      runner.stop(second.id, false);
      fleet.answerAll();
      expect(seen).toEqual([
        `${first.id} InProgress`,
        `${second.id} Queued`,
        `${second.id} Stopped`,
        'web-1 Succeeded',
        'web-2 Succeeded',
        'web-3 Succeeded',
        `${first.id} Succeeded`,
      ]);
    });
  });

  describe('health', () => {
    it('counts an unhealthy host against the deployment whose health check failed, not every deployment on that host', () => {
      // Two applications whose groups both select every host tagged env=prod: six hosts, two deployments at once.
      fixture = seedDeploymentFixture(db, new Date(now));
      const api = seedDeploymentFixture(db, new Date(now), { applicationName: 'api' });
      fleet = new FakeFleet([...fixture.hosts, ...api.hosts].map((host) => host.id));
      const runner = startRunner();
      const web = deploy(runner);
      const other = deployFixture(runner, api);
      const [first, second] = fleet.pending();
      expect(first!.hostId).toBe(second!.hostId);

      runner.onHostUnhealthy(web.id, first!.hostId, 'the http check failed');

      expect(hostStatuses(web.id)['api-1']).toBe('Failed');
      expect(hostStatuses(other.id)['api-1']).toBe('InProgress');
      expect(view(other.id).status).toBe('InProgress');
    });
  });

  describe('stopping', () => {
    it('stops a running deployment: the host in flight fails, pending hosts are skipped, the next one starts', () => {
      const runner = start();
      const running = deploy(runner, 0);
      const queued = deploy(runner, 1);
      fleet.answerNext('Succeeded');
      now += 1000;

      expect(runner.stop(running.id, false)).toBe('stopped');

      const stopped = view(running.id);
      expect(stopped).toMatchObject({ status: 'Stopped', errorInformation: { code: 'MANUAL_STOP' }, completeTime: new Date(now).toISOString() });
      expect(stopped.rollbackInfo).toBeUndefined();
      expect(hostStatuses(running.id)).toEqual({ 'web-1': 'Failed', 'web-2': 'Skipped', 'web-3': 'Skipped' });
      // The event in flight keeps running on the host; only the ones after it are skipped.
      expect(stopped.instances![0]!.lifecycleEvents.map((e) => e.status)).toEqual([
        'Succeeded',
        'InProgress',
        ...IN_PLACE.slice(2).map(() => 'Skipped'),
      ]);
      expect(view(queued.id).status).toBe('InProgress');
    });

    it('stops a queued deployment before it starts', () => {
      const runner = start();
      const running = deploy(runner, 0);
      const queued = deploy(runner, 1);

      expect(runner.stop(queued.id, false)).toBe('stopped');
      expect(view(queued.id)).toMatchObject({ status: 'Stopped', errorInformation: { code: 'MANUAL_STOP' } });
      expect(view(queued.id).instances).toEqual([]);

      fleet.answerAll();
      expect(view(running.id).status).toBe('Succeeded');
      expect(view(queued.id).status).toBe('Stopped');
      expect(fleet.delivered.some(({ command }) => command.deployment.deploymentId === queued.id)).toBe(false);
    });

    it('refuses to stop a finished deployment and does not know an unknown one', () => {
      const runner = start();
      const deployment = deploy(runner);
      fleet.answerAll();
      expect(runner.stop(deployment.id, false)).toBe('already-finished');
      expect(runner.stop(deployment.id, true)).toBe('already-finished');
      expect(runner.stop('d-unknown', false)).toBe('not-found');
      expect(view(deployment.id).status).toBe('Succeeded');
    });

    it('stops with a rollback: the last good revision goes back to the hosts that got the stopped one, before other queued work', () => {
      const runner = start();
      const good = deploy(runner, 0);
      fleet.answerAll();
      const stoppedOne = deploy(runner, 1);
      const queued = deploy(runner, 2);
      // web-1 finishes, web-2 is in the middle of its first event, web-3 has not started.
      fleet.answerAll(({ hostId: to }) => (to === hostId('web-1') ? 'Succeeded' : undefined));

      expect(runner.stop(stoppedOne.id, true)).toBe('stopped');

      const rollbacks = listDeployments(db).filter((d) => d.creator === 'rollback');
      expect(rollbacks).toHaveLength(1);
      const rollback = rollbacks[0]!;
      expect(rollback).toMatchObject({
        revisionId: fixture.revisions[0]!.id,
        status: 'InProgress',
        targetHostIds: [hostId('web-1'), hostId('web-2')],
        rollbackInfo: { rollbackTriggeringDeploymentId: stoppedOne.id },
        options: { ignoreApplicationStopFailures: true, autoRollback: false },
      });
      expect(view(stoppedOne.id)).toMatchObject({
        status: 'Stopped',
        rollbackInfo: { rollbackDeploymentId: rollback.id, rollbackMessage: expect.stringContaining(good.id) },
      });
      expect(view(queued.id).status).toBe('Queued');

      fleet.answerAll();
      expect(view(rollback.id).status).toBe('Succeeded');
      expect(view(rollback.id).instances!.map((i) => i.name).sort()).toEqual(['web-1', 'web-2']);
      expect(view(queued.id).status).toBe('Succeeded');
    });
  });

  describe('automatic rollback', () => {
    it('rolls the failed hosts back to the last successful revision when the group asks for it', () => {
      const runner = start({ autoRollback: true });
      const good = deploy(runner, 0);
      fleet.answerAll();
      const bad = deploy(runner, 1);
      fleet.answerAll(failingAt(bad, 'web-1', 'ValidateService'));

      const failed = view(bad.id);
      expect(failed).toMatchObject({ status: 'Failed', errorInformation: { code: 'HEALTH_CONSTRAINTS' } });
      expect(failed.errorInformation!.message).toContain('web-1: ValidateService failed (ScriptFailed: exit code 1)');
      expect(hostStatuses(bad.id)).toEqual({ 'web-1': 'Failed', 'web-2': 'Skipped', 'web-3': 'Skipped' });
      const rollback = listDeployments(db).find((d) => d.creator === 'rollback')!;
      expect(failed.rollbackInfo).toEqual({ rollbackDeploymentId: rollback.id, rollbackMessage: expect.stringContaining(good.id) });
      expect(rollback).toMatchObject({
        revisionId: fixture.revisions[0]!.id,
        status: 'Succeeded',
        targetHostIds: [hostId('web-1')],
        rollbackInfo: { rollbackTriggeringDeploymentId: bad.id },
      });
    });

    it("rolls back under the group's minimum over the whole group: a HalfAtATime rollback of one host can start", () => {
      // HalfAtATime keeps 2 of the 3 hosts healthy; web-2 and web-3, untouched by the failed deployment, are those 2.
      const runner = start({ autoRollback: true, deploymentConfig: 'HalfAtATime' });
      deploy(runner, 0);
      fleet.answerAll();
      const bad = deploy(runner, 1);
      fleet.answerAll(failingAt(bad, 'web-1', 'ValidateService'));

      expect(hostStatuses(bad.id)).toEqual({ 'web-1': 'Failed', 'web-2': 'Skipped', 'web-3': 'Skipped' });
      const rollback = listDeployments(db).find((d) => d.creator === 'rollback')!;
      expect(rollback).toMatchObject({ status: 'Succeeded', targetHostIds: [hostId('web-1')] });
    });

    it('starts a rollback whatever the state of the hosts it does not touch (offline ones too)', () => {
      const runner = start({ autoRollback: true });
      deploy(runner, 0);
      fleet.answerAll();
      const bad = deploy(runner, 1);
      fleet.disconnect(hostId('web-2'));
      fleet.disconnect(hostId('web-3'));
      fleet.answerAll(failingAt(bad, 'web-1', 'ValidateService'));

      const rollback = listDeployments(db).find((d) => d.creator === 'rollback')!;
      expect(rollback).toMatchObject({ status: 'Succeeded', targetHostIds: [hostId('web-1')] });
    });

    it('saves a failure and the rollback it decides in one transaction: never Failed without its rollback', () => {
      const runner = start({ autoRollback: true });
      deploy(runner, 0);
      fleet.answerAll();
      const bad = deploy(runner, 1);
      // The rollback's insert fails, as a crash between the two writes would interrupt it.
      db.exec(`CREATE TRIGGER no_rollbacks BEFORE INSERT ON deployments WHEN NEW.creator = 'rollback'
               BEGIN SELECT RAISE(ABORT, 'crash before the rollback was written'); END`);
      expect(() => fleet.answerAll(failingAt(bad, 'web-1', 'ValidateService'))).toThrow('crash before the rollback was written');
      expect(view(bad.id).status).toBe('InProgress');
      expect(listDeployments(db).filter((d) => d.creator === 'rollback')).toEqual([]);
    });

    it('rolls back to the revision of the deployment that succeeded last, not of an earlier rollback created after it', () => {
      const runner = start({ autoRollback: true });
      deploy(runner, 0);
      fleet.answerAll();
      // Queued at once: the first rollback, created when bad fails, jumps the queue and runs before last.
      const bad = deploy(runner, 1);
      const last = deploy(runner, 2);
      const badAgain = deploy(runner, 1);
      fleet.answerAll(failingOnWeb1(bad, badAgain));

      expect(view(last.id).status).toBe('Succeeded');
      const rollbackId = view(badAgain.id).rollbackInfo?.rollbackDeploymentId;
      expect(rollbackId && view(rollbackId)).toMatchObject({ status: 'Succeeded', revision: { revisionId: fixture.revisions[2]!.id } });
    });

    it('does not roll back when the group does not ask for it', () => {
      const runner = start();
      deploy(runner, 0);
      fleet.answerAll();
      const bad = deploy(runner, 1);
      fleet.answerAll(failingAt(bad, 'web-1', 'ValidateService'));
      expect(view(bad.id)).toMatchObject({ status: 'Failed' });
      expect(view(bad.id).rollbackInfo).toBeUndefined();
      expect(listDeployments(db)).toHaveLength(2);
    });

    it('says why there is no rollback when no earlier revision succeeded', () => {
      const runner = start({ autoRollback: true });
      const bad = deploy(runner, 0);
      fleet.answerAll(failingAt(bad, 'web-1', 'Install'));
      expect(view(bad.id)).toMatchObject({
        status: 'Failed',
        rollbackInfo: { rollbackMessage: expect.stringContaining('No previous successful revision') },
      });
      expect(listDeployments(db)).toHaveLength(1);
    });
  });

  describe('hosts going offline', () => {
    it('fails the event of a host that stays offline past offlineEventTimeoutMs', async () => {
      const runner = start();
      const deployment = deploy(runner);
      fleet.answerNext('Succeeded');
      fleet.disconnect(hostId('web-1'));
      expect(view(deployment.id).status).toBe('InProgress');

      now += OPTIONS.offlineEventTimeoutMs;
      await vi.waitFor(() => expect(view(deployment.id).status).toBe('Failed'), { timeout: 2000, interval: 5 });
      expect(eventOf(deployment.id, 'web-1', 'DownloadBundle')).toMatchObject({
        status: 'Failed',
        diagnostics: { errorCode: 'UnknownError', message: expect.stringContaining('AGENT_ISSUE') },
      });
      expect(hostStatuses(deployment.id)).toEqual({ 'web-1': 'Failed', 'web-2': 'Skipped', 'web-3': 'Skipped' });
      expect(count('SELECT COUNT(*) FROM outbox')).toBe(0);
    });

    it('redelivers the outbox to a host that comes back in time, and carries on', async () => {
      const runner = start();
      const deployment = deploy(runner);
      fleet.answerNext('Succeeded');
      const inFlight = fleet.pending()[0]!;
      fleet.disconnect(hostId('web-1'));
      now += OPTIONS.offlineEventTimeoutMs - 1;
      fleet.connect(hostId('web-1'));
      expect(fleet.deliveries(inFlight.command.commandId)).toBe(2);

      now += OPTIONS.offlineEventTimeoutMs;
      // Past the old offline deadline: a wake-up for it, if one were left, must find nothing to fail.
      await new Promise((resolve) => setTimeout(resolve, OPTIONS.offlineEventTimeoutMs * 2));
      expect(eventOf(deployment.id, 'web-1', 'DownloadBundle').status).toBe('InProgress');
      fleet.answerAll();
      expect(view(deployment.id).status).toBe('Succeeded');
    });

    it('re-arms a wake-up that fires before the deadline by the runner clock', async () => {
      const runner = start();
      const deployment = deploy(runner);
      fleet.disconnect(hostId('web-1'));
      // The clock stands still while the timer runs out: the wake-up comes early and must be armed again.
      await new Promise((resolve) => setTimeout(resolve, OPTIONS.offlineEventTimeoutMs * 3));
      expect(view(deployment.id).status).toBe('InProgress');

      now += OPTIONS.offlineEventTimeoutMs;
      await vi.waitFor(() => expect(view(deployment.id).status).toBe('Failed'), { timeout: 2000, interval: 5 });
    });
  });

  describe('after a restart', () => {
    it('continues where it was, redelivers what was not delivered, and sends nothing twice', () => {
      const first = start();
      const deployment = deploy(first);
      fleet.answerAll(({ hostId: to }) => (to === hostId('web-1') ? 'Succeeded' : undefined));
      const applicationStop = fleet.pending(hostId('web-2'))[0]!;
      expect(applicationStop.command.event).toBe('ApplicationStop');
      // kill -9 at an unlucky instant: the connections are gone, a result arrived and its step committed the next
      // command, which never left.
      fleet.dropAllSilently();
      fleet.answer(applicationStop, 'Succeeded');
      const downloadId = `${deployment.id}.${hostId('web-2')}.DownloadBundle`;
      expect(fleet.deliveries(downloadId)).toBe(0);
      first.close();
      db.close();

      db = openDatabase(join(temp.dir, 'baton.db'));
      startRunner();
      expect(view(deployment.id).status).toBe('InProgress');
      expect(hostStatuses(deployment.id)).toEqual({ 'web-1': 'Succeeded', 'web-2': 'InProgress', 'web-3': 'Pending' });
      expect(eventOf(deployment.id, 'web-2', 'DownloadBundle').status).toBe('InProgress');

      const before = fleet.delivered.length;
      for (const host of fixture.hosts) fleet.connect(host.id);
      expect(fleet.delivered.slice(before).map(({ command }) => command.commandId)).toEqual([downloadId]);

      fleet.answerAll();
      expect(view(deployment.id).status).toBe('Succeeded');
      for (const { command } of fleet.delivered) expect(fleet.deliveries(command.commandId)).toBe(1);
    });

    it('fails a command in flight at the restart when its host does not come back in time', async () => {
      const first = start();
      const deployment = deploy(first);
      const inFlight = fleet.pending()[0]!;
      first.close();
      db.close();
      fleet.dropAllSilently();

      db = openDatabase(join(temp.dir, 'baton.db'));
      startRunner();
      fleet.connect(hostId('web-2'));
      fleet.connect(hostId('web-3'));
      expect(fleet.deliveries(inFlight.command.commandId)).toBe(1);

      now += OPTIONS.offlineEventTimeoutMs;
      await vi.waitFor(() => expect(view(deployment.id).status).toBe('Failed'), { timeout: 2000, interval: 5 });
      expect(eventOf(deployment.id, 'web-1', 'ApplicationStop').diagnostics?.message).toContain('AGENT_ISSUE');
    });

    it('starts a deployment that was created but not started when it died', () => {
      fixture = seedDeploymentFixture(db, new Date(now));
      fleet = new FakeFleet(fixture.hosts.map((host) => host.id));
      const waiting = insertDeployment(db, userDeployment(fixture), new Date(now));
      startRunner();
      expect(waiting.ok && view(waiting.value.id).status).toBe('InProgress');
      expect(fleet.pending()).toHaveLength(1);
    });

    it('lets a waiting deployment wait for the hosts still reconnecting after a restart, instead of failing it for them', () => {
      fixture = seedDeploymentFixture(db, new Date(now));
      fleet = new FakeFleet();
      const waiting = insertDeployment(db, userDeployment(fixture), new Date(now));
      if (!waiting.ok) throw new Error(waiting.error);
      startRunner();
      fleet.connect(hostId('web-1'));
      fleet.connect(hostId('web-2'));
      // Two of three hosts are no more than the minimum of OneAtATime: started now, it would fail at once.
      expect(view(waiting.value.id).status).toBe('Created');
      fleet.connect(hostId('web-3'));
      expect(view(waiting.value.id).status).toBe('InProgress');
    });

    it('starts a waiting deployment with the hosts there are once the offline timeout after a restart is up', async () => {
      fixture = seedDeploymentFixture(db, new Date(now));
      fleet = new FakeFleet(fixture.hosts.slice(0, 2).map((host) => host.id));
      const waiting = insertDeployment(db, userDeployment(fixture), new Date(now));
      if (!waiting.ok) throw new Error(waiting.error);
      startRunner();
      expect(view(waiting.value.id).status).toBe('Created');
      now += OPTIONS.offlineEventTimeoutMs;
      await vi.waitFor(() => expect(view(waiting.value.id)).toMatchObject({ status: 'Failed', errorInformation: { code: 'HEALTH_CONSTRAINTS_INVALID' } }), {
        timeout: 2000,
        interval: 5,
      });
    });
  });

  describe('new and returning hosts', () => {
    it("sends the group's last successful revision to a host that joins, and only to it", () => {
      const runner = start();
      const first = deploy(runner, 1);
      fleet.answerAll();
      expect(view(first.id).status).toBe('Succeeded');

      const { host } = enrollHost(db, { name: 'web-4', tags: { env: 'prod' } }, new Date(now));
      fleet.connect(host.id);
      const update = listDeployments(db).find((d) => d.creator === 'autoUpdate')!;
      expect(update).toMatchObject({ revisionId: fixture.revisions[1]!.id, targetHostIds: [host.id] });
      fleet.answerAll();
      expect(view(update.id)).toMatchObject({ status: 'Succeeded', instances: [{ hostId: host.id, status: 'Succeeded' }] });

      // Reconnecting later asks for nothing more: the host holds the revision.
      fleet.disconnect(host.id);
      fleet.connect(host.id);
      expect(listDeployments(db).filter((d) => d.creator === 'autoUpdate')).toHaveLength(1);
    });

    it('sends the revision once more to a host that failed it only for being offline, and only once', async () => {
      const runner = start();
      const deployment = deploy(runner, 1);
      // web-1 and web-2 succeed; web-3, the last, vanishes in its first event: OneAtATime still succeeds.
      fleet.answerAll(({ hostId: to }) => (to === hostId('web-3') ? undefined : 'Succeeded'));
      fleet.disconnect(hostId('web-3'));
      now += OPTIONS.offlineEventTimeoutMs;
      await vi.waitFor(() => expect(view(deployment.id).status).toBe('Succeeded'), { timeout: 2000, interval: 5 });
      expect(hostStatuses(deployment.id)['web-3']).toBe('Failed');

      fleet.connect(hostId('web-3'));
      const update = listDeployments(db).find((d) => d.creator === 'autoUpdate')!;
      expect(update).toMatchObject({ revisionId: fixture.revisions[1]!.id, targetHostIds: [hostId('web-3')] });
      fleet.answerAll(() => 'Failed');
      expect(view(update.id).status).toBe('Failed');

      // Its update failed on its own: coming back again asks for nothing more.
      fleet.disconnect(hostId('web-3'));
      fleet.connect(hostId('web-3'));
      expect(listDeployments(db).filter((d) => d.creator === 'autoUpdate')).toHaveLength(1);
    });

    it('leaves a returning host alone while a running deployment of its group has reached it', () => {
      const runner = start();
      deploy(runner, 0);
      fleet.answerAll();
      const running = deploy(runner, 1);
      // web-1 has the new revision, which is not yet the group's last successful one: a coordinator restart now.
      fleet.answerAll(({ hostId: to }) => (to === hostId('web-1') ? 'Succeeded' : undefined));
      expect(hostStatuses(running.id)['web-1']).toBe('Succeeded');
      fleet.disconnect(hostId('web-1'));
      fleet.connect(hostId('web-1'));
      expect(listDeployments(db).filter((d) => d.creator === 'autoUpdate')).toEqual([]);
      fleet.answerAll();
      expect(view(running.id).status).toBe('Succeeded');
    });

    it('leaves every host alone once the deployment queued behind a failed one succeeds, though the rollback was created after it', () => {
      // The chaos long form's "web2 holds web-r4-good": a host coming back after `last` succeeded got good again.
      const runner = start({ autoRollback: true });
      deploy(runner, 0);
      fleet.answerAll();
      const bad = deploy(runner, 1);
      const last = deploy(runner, 2);
      fleet.answerAll(failingOnWeb1(bad));
      expect(view(last.id).status).toBe('Succeeded');

      // A coordinator restart: every agent comes back, holding last (web-1 too, rolled back to good before it).
      for (const host of fixture.hosts) {
        fleet.disconnect(host.id);
        fleet.connect(host.id);
      }
      expect(listDeployments(db).filter((d) => d.creator === 'autoUpdate')).toEqual([]);
    });

    it('leaves a joining host alone when the group says IGNORE, or has never succeeded', () => {
      const runner = start();
      const { host } = enrollHost(db, { name: 'web-4', tags: { env: 'prod' } }, new Date(now));
      fleet.connect(host.id);
      expect(listDeployments(db)).toHaveLength(0);

      deploy(runner);
      fleet.answerAll();
      updateDeploymentGroup(db, fixture.group.id, { outdatedInstances: 'IGNORE' }, new Date(now));
      const { host: late } = enrollHost(db, { name: 'web-5', tags: { env: 'prod' } }, new Date(now));
      fleet.connect(late.id);
      expect(listDeployments(db).filter((d) => d.creator === 'autoUpdate')).toHaveLength(0);
    });
  });

  describe('deleted groups', () => {
    const deleteGroup = () => expect(deleteDeploymentGroup(db, fixture.group.id, new Date(now)).ok).toBe(true);

    it('take no new deployment, whoever asks', () => {
      const runner = start();
      deleteGroup();
      expect(runner.create(userDeployment(fixture))).toEqual({ ok: false, error: 'GROUP_DELETED' });
      expect(insertDeployment(db, { ...userDeployment(fixture), creator: 'autoUpdate' }, new Date(now))).toEqual({ ok: false, error: 'GROUP_DELETED' });
      expect(listDeployments(db)).toEqual([]);
    });

    it('refuse a manual rollback of a finished deployment, recording nothing', () => {
      const runner = start();
      deploy(runner, 0);
      fleet.answerAll();
      const second = deploy(runner, 1);
      fleet.answerAll();
      deleteGroup();

      expect(runner.rollback(second.id)).toBe('group-deleted');
      expect(listDeployments(db)).toHaveLength(2);
      expect(view(second.id)).not.toHaveProperty('rollbackInfo');
      expect(fleet.pending()).toEqual([]);
    });

    it('send nothing to a host that joins or comes back', () => {
      const runner = start();
      deploy(runner, 1);
      fleet.answerAll();
      deleteGroup();

      const { host } = enrollHost(db, { name: 'web-4', tags: { env: 'prod' } }, new Date(now));
      fleet.connect(host.id);
      fleet.disconnect(fixture.hosts[0]!.id);
      fleet.connect(fixture.hosts[0]!.id);
      expect(listDeployments(db).filter((d) => d.creator === 'autoUpdate')).toEqual([]);
    });
  });

  describe('event results', () => {
    it('records a late result of a stopped deployment on its event row and changes nothing else', () => {
      const runner = start();
      const deployment = deploy(runner);
      const inFlight = fleet.pending()[0]!;
      runner.stop(deployment.id, false);
      now += 5000;

      expect(fleet.answer(inFlight, 'Succeeded')).toBe(true);

      expect(eventOf(deployment.id, 'web-1', 'ApplicationStop')).toMatchObject({ status: 'Succeeded', endTime: new Date(now).toISOString() });
      expect(view(deployment.id)).toMatchObject({ status: 'Stopped', errorInformation: { code: 'MANUAL_STOP' } });
      expect(hostStatuses(deployment.id)).toEqual({ 'web-1': 'Failed', 'web-2': 'Skipped', 'web-3': 'Skipped' });
      expect(count('SELECT COUNT(*) FROM outbox')).toBe(0);
      expect(fleet.pending()).toEqual([]);
    });

    it("refuses a result for another host's command", () => {
      const runner = start();
      const deployment = deploy(runner);
      const inFlight = fleet.pending()[0]!;
      expect(inFlight.hostId).toBe(hostId('web-1'));

      expect(fleet.answer(inFlight, 'Succeeded', hostId('web-2'))).toBe(false);
      expect(eventOf(deployment.id, 'web-1', 'ApplicationStop').status).toBe('InProgress');
      expect(runner.onEventResult(hostId('web-1'), eventResult('not-a-command-id', 'Succeeded', now))).toBe(false);
    });
  });
});

