import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, type Database } from '../database.js';
import { MIGRATIONS } from './index.js';
import { openReleaseDatabase } from './release-database.test-support.js';

describe('migration 013: deployment start order', () => {
  let db: Database;
  let cleanup: () => void;
  beforeEach(() => {
    // As release 12 left it: d-3, a rollback created last, started before d-2; d-4 never started.
    ({ db, cleanup } = openReleaseDatabase(12, `
      INSERT INTO applications (id, name, created_at) VALUES ('app-1', 'web', 't');
      INSERT INTO deployment_groups (id, application_id, name, host_selector, deployment_config, strategy,
          auto_rollback_events, outdated_instances, created_at, updated_at)
        VALUES ('dg-1', 'app-1', 'prod', '{"tagFilters":[],"tagSet":[]}',
          '{"name":"CodeDeployDefault.OneAtATime","minimumHealthyHosts":{"type":"ALL_BUT_ONE"}}',
          '{"type":"inPlace"}', '[]', 'UPDATE', 't', 't');
      INSERT INTO revisions (id, application_id, location, source_key, source, sha256, size, bundle_type, created_at)
        VALUES ('rev-1', 'app-1', 'upload', 'upload:x', '{"type":"upload"}', 'x', 1, 'tgz', 't');
      INSERT INTO deployments (id, seq, application_id, group_id, revision_id, status, creator, options, created_at, started_at)
        VALUES ('d-1', 1, 'app-1', 'dg-1', 'rev-1', 'Succeeded', 'user', '{}', 't', '2030-01-01T00:00:01.000Z'),
               ('d-2', 2, 'app-1', 'dg-1', 'rev-1', 'Succeeded', 'user', '{}', 't', '2030-01-01T00:00:03.000Z'),
               ('d-3', 3, 'app-1', 'dg-1', 'rev-1', 'Succeeded', 'rollback', '{}', 't', '2030-01-01T00:00:02.000Z'),
               ('d-4', 4, 'app-1', 'dg-1', 'rev-1', 'Queued', 'user', '{}', 't', NULL);
    `));
  });
  afterEach(() => cleanup());

  it('numbers the deployments already started by their start time, and leaves the others unnumbered', () => {
    applyMigrations(db, MIGRATIONS.slice(0, 13));
    expect(db.prepare('SELECT id, start_seq FROM deployments ORDER BY seq').all()).toEqual([
      { id: 'd-1', start_seq: 1 },
      { id: 'd-2', start_seq: 3 },
      { id: 'd-3', start_seq: 2 },
      { id: 'd-4', start_seq: null },
    ]);
  });
});
