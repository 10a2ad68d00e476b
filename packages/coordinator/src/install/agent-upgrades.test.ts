import type { CoordinatorMessage, UpgradeAgent } from '@baton/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineRunner } from '../runner/engine-runner.js';
import { getDeployment } from '../store/deployments.js';
import { getHostUpgrade } from '../store/host-upgrades.js';
import { recordHostHello } from '../store/hosts.js';
import { deployFixture, seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { FakeFleet } from '../testing/fake-fleet.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { AgentUpgrades } from './agent-upgrades.js';

const logger = pino({ level: 'silent' });
const TARGET = { version: '0.2.0', sha256: 'a'.repeat(64), packageUrl: 'http://coordinator/install/agent.tgz' };
const FACTS = { hostname: 'web-1', platform: 'linux', os: 'test', arch: 'x64', release: '1' };
const OFFLINE_EVENT_TIMEOUT_MS = 30;

let temp: TempDatabase;
let fixture: DeploymentFixture;
let fleet: FakeFleet;
let runner: EngineRunner;
let upgrades: AgentUpgrades;
/** Every `upgrade-agent` sent, in order. */
let upgradesSent: { hostId: string; message: UpgradeAgent }[];
let hostId: string;

/** Lets the upgrades retry waiting hosts (they do so after the runner's turn). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function startUpgrades(returnTimeoutMs = 60_000): void {
  const messenger = {
    send(to: string, message: CoordinatorMessage): boolean {
      if (message.type === 'upgrade-agent') upgradesSent.push({ hostId: to, message });
      return fleet.isConnected(to);
    },
    isConnected: (to: string) => fleet.isConnected(to),
  };
  upgrades = new AgentUpgrades(temp.db, messenger, runner, logger, () => new Date(), returnTimeoutMs);
  // As deployment-service.ts wires the gateway: the runner hears of a hello first, then the upgrades.
  fleet.attach({
    onHostConnectivity: (id, online) => {
      runner.onHostConnectivity(id, online);
      upgrades.onConnectivity(id, online);
    },
    onEventResult: (id, result) => runner.onEventResult(id, result),
  });
  upgrades.start();
}

beforeEach(() => {
  temp = openTempDatabase();
  fixture = seedDeploymentFixture(temp.db, new Date(), { hostCount: 1, revisionCount: 1 });
  hostId = fixture.hosts[0]!.id;
  recordHostHello(temp.db, hostId, FACTS, '0.1.0', new Date());
  fleet = new FakeFleet([hostId]);
  runner = new EngineRunner(temp.db, fleet, logger, { eventTimeoutMs: 600_000, offlineEventTimeoutMs: OFFLINE_EVENT_TIMEOUT_MS });
  upgradesSent = [];
  startUpgrades();
  runner.recover();
});

afterEach(() => {
  upgrades.stop();
  runner.close();
  temp.cleanup();
});

const deploy = () => deployFixture(runner, fixture);

/** The new agent version says hello. */
function comeBackAs(version: string): void {
  recordHostHello(temp.db, hostId, FACTS, version, new Date());
  fleet.connect(hostId);
}

describe('an upgrade asked while the host has lifecycle work', () => {
  it('waits through every event of the deployment, then goes out', async () => {
    const deployment = deploy();
    expect(upgrades.request(hostId, TARGET)).toMatchObject({ state: 'waiting', version: '0.2.0', fromVersion: '0.1.0' });

    // Between two events the host is idle for an instant: the upgrade must not slip in there.
    while (fleet.pending(hostId).length > 0) {
      fleet.answerNext('Succeeded', hostId);
      await settle();
      if (getDeployment(temp.db, deployment.id)?.status === 'InProgress') expect(upgradesSent).toEqual([]);
    }
    expect(getDeployment(temp.db, deployment.id)?.status).toBe('Succeeded');
    expect(upgradesSent).toEqual([{ hostId, message: { type: 'upgrade-agent', ...TARGET } }]);
    expect(getHostUpgrade(temp.db, hostId)?.state).toBe('sent');
  });

  it('waits for a deployment queued in one of its groups', async () => {
    const first = deploy();
    deploy(); // queued behind the first
    upgrades.request(hostId, TARGET);
    while (getDeployment(temp.db, first.id)?.status === 'InProgress') fleet.answerNext('Succeeded', hostId);
    await settle();
    expect(upgradesSent).toEqual([]);
    fleet.answerAll();
    await settle();
    expect(upgradesSent).toHaveLength(1);
  });

  it('a waiting upgrade survives a coordinator restart and goes out when the host is back and idle', async () => {
    deploy();
    upgrades.request(hostId, TARGET);
    upgrades.stop();
    fleet.dropAllSilently();
    fleet.answerAll();
    startUpgrades();
    fleet.connect(hostId);
    fleet.answerAll();
    await settle();
    expect(upgradesSent).toHaveLength(1);
  });
});

describe('a host restarting into its new version', () => {
  it('fails nothing: a deployment started meanwhile counts it in, holds its events and delivers them on its return', async () => {
    upgrades.request(hostId, TARGET);
    expect(upgradesSent).toHaveLength(1);
    upgrades.onUpgradeStatus(hostId, { type: 'upgrade-status', version: '0.2.0', state: 'starting', message: 'restarting' });
    fleet.disconnect(hostId);

    const deployment = deploy();
    await new Promise((resolve) => setTimeout(resolve, OFFLINE_EVENT_TIMEOUT_MS * 3));
    expect(fleet.delivered).toEqual([]);
    expect(getDeployment(temp.db, deployment.id)?.status).toBe('InProgress');

    comeBackAs('0.2.0');
    expect(getHostUpgrade(temp.db, hostId)).toMatchObject({ state: 'upgraded', message: 'reconnected with 0.2.0' });
    fleet.answerAll();
    expect(getDeployment(temp.db, deployment.id)?.status).toBe('Succeeded');
  });

  it('a refusal ends the hold at once and delivers what waited', () => {
    upgrades.request(hostId, TARGET);
    deploy();
    expect(fleet.delivered).toEqual([]);
    upgrades.onUpgradeStatus(hostId, { type: 'upgrade-status', version: '0.2.0', state: 'refused', message: 'not a versioned installation' });
    expect(getHostUpgrade(temp.db, hostId)).toMatchObject({ state: 'refused', message: 'not a versioned installation' });
    expect(fleet.pending(hostId)).toHaveLength(1);
  });

  it('a fallback comes back on the old version and reports the failure; asking again starts afresh', async () => {
    upgrades.request(hostId, TARGET);
    upgrades.onUpgradeStatus(hostId, { type: 'upgrade-status', version: '0.2.0', state: 'starting', message: 'restarting' });
    fleet.disconnect(hostId);
    comeBackAs('0.1.0');
    expect(getHostUpgrade(temp.db, hostId)?.state).toBe('starting');
    upgrades.onUpgradeStatus(hostId, { type: 'upgrade-status', version: '0.2.0', state: 'failed', message: 'agent 0.2.0 exited; fell back to 0.1.0' });
    expect(getHostUpgrade(temp.db, hostId)).toMatchObject({ state: 'failed', message: 'agent 0.2.0 exited; fell back to 0.1.0' });
    // A late answer cannot move it backwards.
    upgrades.onUpgradeStatus(hostId, { type: 'upgrade-status', version: '0.2.0', state: 'starting', message: 'late' });
    expect(getHostUpgrade(temp.db, hostId)?.state).toBe('failed');

    expect(upgrades.request(hostId, TARGET).state).toBe('sent');
    expect(upgradesSent).toHaveLength(2);
  });

  it('a host that does not come back in time fails the upgrade and is offline to the engine from then on', async () => {
    upgrades.stop();
    startUpgrades(20);
    upgrades.request(hostId, TARGET);
    fleet.disconnect(hostId);
    const deployment = deploy();
    await new Promise((resolve) => setTimeout(resolve, 20 + OFFLINE_EVENT_TIMEOUT_MS * 3));
    expect(getHostUpgrade(temp.db, hostId)).toMatchObject({ state: 'failed', message: 'did not come back with 0.2.0 within 0.02 s' });
    expect(getDeployment(temp.db, deployment.id)?.status).toBe('Failed');
  });
});
