import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, type Database } from '../database.js';
import { getDeploymentGroup, updateDeploymentGroup } from '../deployment-groups.js';
import { MIGRATIONS } from './index.js';

const oneAtATime = JSON.stringify({ name: 'CodeDeployDefault.OneAtATime', minimumHealthyHosts: { type: 'ALL_BUT_ONE' } });
const selector = JSON.stringify({ tagFilters: [{ key: 'env', value: 'prod', type: 'KEY_AND_VALUE' }], tagSet: [] });

describe('migration 002: group specs', () => {
  let dir: string;
  let db: Database;
  beforeEach(() => {
    // A database file as the first release left it, with one group that rolls back and one that does not.
    dir = mkdtempSync(join(tmpdir(), 'baton-migration-'));
    db = new BetterSqlite3(join(dir, 'baton.db'));
    applyMigrations(db, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO applications (id, name, created_at) VALUES ('app-1', 'web', 't')").run();
    const insert = db.prepare(
      `INSERT INTO deployment_groups (id, application_id, name, host_selector, deployment_config, auto_rollback, created_at, updated_at)
       VALUES (?, 'app-1', ?, ?, ?, ?, 't', 't')`,
    );
    insert.run('dg-rollback', 'prod', selector, oneAtATime, 1);
    insert.run('dg-plain', 'staging', selector, oneAtATime, 0);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns auto_rollback = 1 into the DEPLOYMENT_FAILURE event and gives every group the defaults', () => {
    applyMigrations(db, MIGRATIONS);
    const defaults = { strategy: { type: 'inPlace' }, healthChecks: [], alarms: [], outdatedInstances: 'UPDATE' };
    expect(getDeploymentGroup(db, 'dg-rollback')).toMatchObject({
      ...defaults,
      autoRollbackEvents: ['DEPLOYMENT_FAILURE'],
      autoRollback: true,
    });
    expect(getDeploymentGroup(db, 'dg-plain')).toMatchObject({ ...defaults, autoRollbackEvents: [], autoRollback: false });
    expect(getDeploymentGroup(db, 'dg-plain')).not.toHaveProperty('trafficRouter');
  });

  it('drops the old column, so nothing can read a flag that disagrees with the events', () => {
    applyMigrations(db, MIGRATIONS);
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(deployment_groups)').all().map((column) => column.name);
    expect(columns).not.toContain('auto_rollback');
    expect(columns).toEqual(expect.arrayContaining(['strategy', 'traffic_router', 'health_checks', 'alarms', 'auto_rollback_events', 'outdated_instances']));
    expect(updateDeploymentGroup(db, 'dg-rollback', { autoRollbackEvents: [] }, new Date())).toMatchObject({ autoRollback: false });
  });

  it('keeps outdated_instances within its union', () => {
    applyMigrations(db, MIGRATIONS);
    expect(() => db.prepare("UPDATE deployment_groups SET outdated_instances = 'SOMETIMES'").run()).toThrow(/CHECK constraint failed/);
  });
});
