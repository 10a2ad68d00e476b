import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteApplication } from '../store/applications.js';
import { createDeploymentGroup, deleteDeploymentGroup } from '../store/deployment-groups.js';
import { getVariable, listVariables } from '../store/variables.js';
import { seedDeploymentFixture, type DeploymentFixture } from '../testing/deployment-fixture.test-support.js';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { loadSecretsKey } from './secrets-key.js';
import { VariableVault } from './variable-vault.js';

const SECRET = 'pa55-w0rd-in-plain-sight';

describe('VariableVault', () => {
  let temp: TempDatabase;
  let vault: VariableVault;
  let fixture: DeploymentFixture;
  const now = new Date('2030-01-01T00:00:00.000Z');

  beforeEach(() => {
    temp = openTempDatabase();
    vault = new VariableVault(temp.db, loadSecretsKey({ dataDir: temp.dir }, temp.db));
    fixture = seedDeploymentFixture(temp.db, now, { hostCount: 0, revisionCount: 0 });
  });
  afterEach(() => temp.cleanup());

  const app = () => ({ applicationId: fixture.application.id });
  const group = () => ({ applicationId: fixture.application.id, groupId: fixture.group.id });

  /** Every byte SQLite wrote: the database file and its write-ahead log. */
  const databaseBytes = (): Buffer =>
    Buffer.concat(['baton.db', 'baton.db-wal'].map((name) => join(temp.dir, name)).filter(existsSync).map((file) => readFileSync(file)));

  it('stores a secret sealed: no byte of the database files holds its value, and the vault opens it', () => {
    vault.set(group(), 'DB_PASSWORD', SECRET, true, now);
    temp.db.pragma('wal_checkpoint(TRUNCATE)');
    vault.set(app(), 'REGION', 'eu-west', false, now); // and one more write, left in the log

    expect(databaseBytes().includes(Buffer.from(SECRET))).toBe(false);
    expect(databaseBytes().includes(Buffer.from('eu-west'))).toBe(true);
    expect(getVariable(temp.db, group(), 'DB_PASSWORD')).toMatchObject({ secret: true, sealed: expect.any(Buffer) });
    expect(vault.forGroup(fixture.group.id).secrets).toEqual({ DB_PASSWORD: SECRET });
  });

  it("gives a group's hooks its application's variables, overridden by the group's own, secret or not", () => {
    vault.set(app(), 'REGION', 'eu-west', false, now);
    vault.set(app(), 'TIER', 'app', false, now);
    vault.set(app(), 'API_KEY', 'app-key', true, now);
    vault.set(app(), 'TOKEN', 'app-token', true, now);
    vault.set(group(), 'TIER', 'group', true, now);
    vault.set(group(), 'TOKEN', 'now-plain', false, now);

    expect(vault.forGroup(fixture.group.id)).toEqual({
      variables: { REGION: 'eu-west', TOKEN: 'now-plain' },
      secrets: { API_KEY: 'app-key', TIER: 'group' },
    });
    const other = createDeploymentGroup(temp.db, { applicationId: fixture.application.id, name: 'staging', hostSelector: fixture.group.hostSelector, deploymentConfig: fixture.group.deploymentConfig }, now);
    if (!other.ok) throw new Error(other.error);
    expect(vault.forGroup(other.value.id)).toEqual({ variables: { REGION: 'eu-west', TIER: 'app' }, secrets: { API_KEY: 'app-key', TOKEN: 'app-token' } });
  });

  it('replaces a variable in place, its kind included', () => {
    vault.set(app(), 'TOKEN', 'one', true, now);
    vault.set(app(), 'TOKEN', 'two', false, new Date('2030-01-02T00:00:00.000Z'));
    expect(listVariables(temp.db, app())).toEqual([
      { applicationId: fixture.application.id, name: 'TOKEN', secret: false, value: 'two', updatedAt: '2030-01-02T00:00:00.000Z' },
    ]);
  });

  it('forgets the variables of a deleted group and of a deleted application', () => {
    vault.set(app(), 'REGION', 'eu-west', false, now);
    vault.set(group(), 'TOKEN', SECRET, true, now);
    expect(deleteDeploymentGroup(temp.db, fixture.group.id, now).ok).toBe(true);
    expect(listVariables(temp.db, group())).toEqual([]);
    expect(listVariables(temp.db, app())).toHaveLength(1);
    expect(deleteApplication(temp.db, fixture.application.id, { withGroups: true }, now).ok).toBe(true);
    expect(listVariables(temp.db, app())).toEqual([]);
  });
});
