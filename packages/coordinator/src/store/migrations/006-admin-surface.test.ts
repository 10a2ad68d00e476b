import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getApplication, getApplicationByName } from '../applications.js';
import { applyMigrations, type Database } from '../database.js';
import { getDeploymentGroup } from '../deployment-groups.js';
import { MIGRATIONS } from './index.js';
import { openReleaseDatabase } from './release-database.test-support.js';

describe('migration 006: admin surface', () => {
  let db: Database;
  let cleanup: () => void;
  beforeEach(() => {
    // A database as release 5 left it: an application, its group with a traffic router, and a deployment of it.
    ({ db, cleanup } = openReleaseDatabase(5, `
      INSERT INTO applications (id, name, created_at) VALUES ('app-1', 'web', 't');
      INSERT INTO deployment_groups (id, application_id, name, host_selector, deployment_config, strategy, traffic_router,
          auto_rollback_events, outdated_instances, created_at, updated_at)
        VALUES ('dg-1', 'app-1', 'prod', '{"tagFilters":[],"tagSet":[]}',
          '{"name":"CodeDeployDefault.OneAtATime","minimumHealthyHosts":{"type":"ALL_BUT_ONE"}}',
          '{"type":"inPlace"}', '{"type":"haproxy","adminSocket":"/run/haproxy.sock","backend":"web","servers":{}}', '["DEPLOYMENT_FAILURE"]', 'IGNORE', 't', 'u');
      INSERT INTO revisions (id, application_id, location, source_key, source, sha256, size, bundle_type, created_at)
        VALUES ('rev-1', 'app-1', 'upload', 'upload:x', '{"type":"upload"}', 'x', 1, 'tgz', 't');
      INSERT INTO deployments (id, seq, application_id, group_id, revision_id, status, creator, options, created_at)
        VALUES ('d-1', 1, 'app-1', 'dg-1', 'rev-1', 'Succeeded', 'user', '{}', 't');
    `));
  });
  afterEach(() => cleanup());

  it('keeps every application, group setting and the deployments pointing at them, with foreign keys on', () => {
    applyMigrations(db, MIGRATIONS.slice(0, 6));
    expect(getApplicationByName(db, 'web')).toEqual({ id: 'app-1', name: 'web', createdAt: 't' });
    expect(getDeploymentGroup(db, 'dg-1')).toMatchObject({
      name: 'prod',
      trafficRouter: { type: 'haproxy', backend: 'web' },
      autoRollbackEvents: ['DEPLOYMENT_FAILURE'],
      outdatedInstances: 'IGNORE',
      updatedAt: 'u',
    });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare("SELECT g.name FROM deployments d JOIN deployment_groups g ON g.id = d.group_id WHERE d.id = 'd-1'").get()).toEqual({ name: 'prod' });
  });

  it('keeps names unique among live rows only', () => {
    applyMigrations(db, MIGRATIONS.slice(0, 6));
    const insertApp = db.prepare("INSERT INTO applications (id, name, created_at) VALUES (?, 'web', 't')");
    expect(() => insertApp.run('app-2')).toThrow(/UNIQUE constraint failed/);
    db.prepare("UPDATE applications SET deleted_at = 't' WHERE id = 'app-1'").run();
    insertApp.run('app-2');
    expect(getApplicationByName(db, 'web')?.id).toBe('app-2');
    expect(getApplication(db, 'app-1')?.name).toBe('web');
  });
});
