/**
 * Secrets on their way to the hosts and back, through a real runner over a real SQLite file: they reach the
 * hooks of the hosts that run the deployment, and no row, outbox included, or stored diagnostics ever hold them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineRunner } from '../runner/engine-runner.js';
import { readDeployment } from '../store/deployment-read-model.js';
import { enrollHost } from '../store/hosts.js';
import { deployFixture, seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { eventResult, FakeFleet } from '../testing/fake-fleet.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { maskEventResult, withHookVariables } from './hook-variables-messenger.js';
import { loadSecretsKey } from './secrets-key.js';
import { VariableVault } from './variable-vault.js';

const SECRET = 'pa55-w0rd-in-plain-sight';
const logger = pino({ level: 'silent' });

describe('withHookVariables', () => {
  let temp: TempDatabase;
  let fixture: DeploymentFixture;
  let fleet: FakeFleet;
  let vault: VariableVault;
  let runner: EngineRunner;

  beforeEach(() => {
    temp = openTempDatabase();
    const now = new Date();
    fixture = seedDeploymentFixture(temp.db, now, { hostCount: 1, revisionCount: 1 });
    // A host of another group: it must never see this deployment's secrets.
    const bystander = enrollHost(temp.db, { name: 'other', tags: { env: 'staging' } }, now).host;
    fleet = new FakeFleet([...fixture.hosts.map((host) => host.id), bystander.id]);
    vault = new VariableVault(temp.db, loadSecretsKey({ dataDir: temp.dir }, temp.db));
    vault.set({ applicationId: fixture.application.id }, 'REGION', 'eu-west', false, now);
    vault.set({ applicationId: fixture.application.id, groupId: fixture.group.id }, 'DB_PASSWORD', SECRET, true, now);
    runner = new EngineRunner(temp.db, withHookVariables(fleet, vault, logger), logger, { eventTimeoutMs: 600_000, offlineEventTimeoutMs: 60_000 });
    // As deployment-service.ts wires the gateway: results pass through the vault on their way in.
    fleet.attach({
      onHostConnectivity: (hostId, online) => runner.onHostConnectivity(hostId, online),
      onEventResult: (hostId, result) => runner.onEventResult(hostId, maskEventResult(result, vault, logger)),
    });
    runner.recover();
  });
  afterEach(() => {
    runner.close();
    temp.cleanup();
  });

  const deploy = () => deployFixture(runner, fixture);

  const databaseBytes = (): Buffer =>
    Buffer.concat(['baton.db', 'baton.db-wal'].map((name) => join(temp.dir, name)).filter(existsSync).map((file) => readFileSync(file)));

  it('adds the variables to the hooks sent, not to the outbox rows, and sends them again on a redelivery', () => {
    deploy();
    fleet.answerAll((received) => (received.command.event === 'BeforeInstall' ? undefined : 'Succeeded'));

    const [download, beforeInstall] = fleet.delivered.map(({ command }) => command).filter((command) => ['DownloadBundle', 'BeforeInstall'].includes(command.event));
    expect(download).not.toHaveProperty('secrets');
    expect(download).not.toHaveProperty('variables');
    expect(beforeInstall).toMatchObject({ variables: { REGION: 'eu-west' }, secrets: { DB_PASSWORD: SECRET } });
    expect(fleet.delivered.every(({ hostId }) => hostId === fixture.hosts[0]!.id)).toBe(true);

    const outbox = temp.db.prepare<[], { payload: string }>('SELECT payload FROM outbox').all();
    expect(outbox.map(({ payload }) => JSON.parse(payload).event)).toEqual(['BeforeInstall']);
    expect(outbox[0]!.payload).not.toContain(SECRET);
    expect(databaseBytes().includes(Buffer.from(SECRET))).toBe(false);

    fleet.disconnect(fixture.hosts[0]!.id);
    fleet.connect(fixture.hosts[0]!.id);
    expect(fleet.delivered.at(-1)!.command).toMatchObject({ event: 'BeforeInstall', secrets: { DB_PASSWORD: SECRET } });
  });

  it("masks the deployment's secrets in the diagnostics it stores, whatever the agent sent", () => {
    const { id } = deploy();
    fleet.answerAll((received) => (received.command.event === 'BeforeInstall' ? undefined : 'Succeeded'));
    const [pending] = fleet.pending();
    const leaky = eventResult(pending!.command.commandId, 'Failed', Date.now());
    runner.onEventResult(pending!.hostId, maskEventResult(
      { ...leaky, diagnostics: { ...leaky.diagnostics, message: `bad password ${SECRET}`, logTail: `[stdout]using ${SECRET}\n` } },
      vault,
      logger,
    ));

    const event = readDeployment(temp.db, id)!.instances![0]!.lifecycleEvents.find((e) => e.lifecycleEventName === 'BeforeInstall')!;
    expect(event.diagnostics).toMatchObject({ message: 'bad password ****', logTail: '[stdout]using ****\n' });
    expect(databaseBytes().includes(Buffer.from(SECRET))).toBe(false);
  });
});
