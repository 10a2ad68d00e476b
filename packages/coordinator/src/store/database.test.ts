import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

describe('openDatabase', () => {
  let dir: string;
  const open: Database[] = [];
  const openFile = (): Database => {
    const db = openDatabase(join(dir, 'baton.db'));
    open.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-db-'));
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const versions = (count: number) => Array.from({ length: count }, (_, i) => ({ version: i + 1 }));
  const tables = (db: Database): string[] =>
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => row.name);

  it('creates the schema in a fresh file with the expected pragmas', () => {
    const db = openFile();
    expect(tables(db)).toEqual([
      'api_tokens',
      'applications',
      'audit_log',
      'deployment_groups',
      'deployment_hosts',
      'deployments',
      'enrollment_tokens',
      'hook_output',
      'host_upgrades',
      'hosts',
      'lifecycle_events',
      'outbox',
      'revisions',
      'schema_migrations',
      'triggers',
      'variables',
      'webhook_deliveries',
    ]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(versions(MIGRATIONS.length));
  });

  it('reopens an existing file without reapplying migrations and keeps its data', () => {
    const first = openFile();
    first.prepare("INSERT INTO applications (id, name, created_at) VALUES ('app-1', 'web', 'now')").run();
    first.close();

    const second = openFile();
    expect(second.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    expect(second.prepare('SELECT name FROM applications').all()).toEqual([{ name: 'web' }]);
  });

  it('rolls back a failing migration and keeps the earlier ones', () => {
    const db = openFile();
    const next = MIGRATIONS.length + 1;
    const broken = [...MIGRATIONS, { version: next, name: 'broken', sql: 'CREATE TABLE extra (x); SELECT * FROM nope;' }];
    expect(() => applyMigrations(db, broken)).toThrow(`migration ${next} (broken) failed`);
    expect(tables(db)).not.toContain('extra');
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(versions(MIGRATIONS.length));
  });

  it('refuses migrations out of order', () => {
    const db = openFile();
    expect(() => applyMigrations(db, [{ version: 2, name: 'skipped-one', sql: '' }])).toThrow(/expected 1/);
  });
});
