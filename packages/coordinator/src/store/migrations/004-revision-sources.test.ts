import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, type Database } from '../database.js';
import { getRevision } from '../revisions.js';
import { MIGRATIONS } from './index.js';
import { openReleaseDatabase } from './release-database.test-support.js';

describe('migration 004: revision sources', () => {
  let db: Database;
  let cleanup: () => void;
  const sha = 'a'.repeat(64);
  beforeEach(() => {
    // A database as release 3 left it: an uploaded revision with a deployment pointing at it.
    ({ db, cleanup } = openReleaseDatabase(3, `
      INSERT INTO applications (id, name, created_at) VALUES ('app-1', 'web', 't');
      INSERT INTO deployment_groups (id, application_id, name, host_selector, deployment_config, created_at, updated_at)
        VALUES ('dg-1', 'app-1', 'prod', '{}', '{}', 't', 't');
      INSERT INTO revisions (id, application_id, sha256, size, bundle_type, source, created_at)
        VALUES ('rev-1', 'app-1', '${sha}', 42, 'zip', '{"type":"upload"}', '2030-01-01T00:00:00.000Z');
      INSERT INTO deployments (id, seq, application_id, group_id, revision_id, status, creator, options, created_at)
        VALUES ('d-1', 1, 'app-1', 'dg-1', 'rev-1', 'Succeeded', 'user', '{}', 't');
    `));
  });
  afterEach(() => cleanup());

  it('keeps every revision, as an upload, and the deployments that point at it', () => {
    applyMigrations(db, MIGRATIONS);
    expect(getRevision(db, 'rev-1')).toEqual({
      status: 'resolved',
      id: 'rev-1',
      applicationId: 'app-1',
      location: 'upload',
      sha256: sha,
      size: 42,
      bundleType: 'zip',
      source: { type: 'upload' },
      signatures: [],
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect(db.prepare("SELECT r.id FROM deployments d JOIN revisions r ON r.id = d.revision_id WHERE d.id = 'd-1'").get()).toEqual({ id: 'rev-1' });
  });

  it('leaves foreign keys enforced, and still pointing at the rebuilt table', () => {
    applyMigrations(db, MIGRATIONS);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      db.prepare(`INSERT INTO deployments (id, seq, application_id, group_id, revision_id, status, creator, options, created_at)
        VALUES ('d-2', 2, 'app-1', 'dg-1', 'rev-nope', 'Created', 'user', '{}', 't')`).run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('allows an unresolved row only with its reason', () => {
    applyMigrations(db, MIGRATIONS);
    const insert = db.prepare(`INSERT INTO revisions (id, application_id, location, error_code, error_message, created_at) VALUES (?, 'app-1', 'x', ?, 'why', 't')`);
    expect(() => insert.run('rev-2', 'REVISION_MISSING')).not.toThrow();
    expect(() => insert.run('rev-3', null)).toThrow(/CHECK constraint failed/);
  });

  it('refuses to commit a rebuild that would orphan a row', () => {
    const broken = [...MIGRATIONS.slice(0, 3), { version: 4, name: 'drops-revisions', sql: 'DROP TABLE revisions;', rebuildsTables: true }];
    expect(() => applyMigrations(db, broken)).toThrow(/migration 4 \(drops-revisions\) failed/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM revisions').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
