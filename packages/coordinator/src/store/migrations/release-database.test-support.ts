import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { applyMigrations, type Database } from '../database.js';
import { MIGRATIONS } from './index.js';

/**
 * Test support for migration tests: a real SQLite file in a fresh temp dir as release `release` left it (only its
 * first `release` migrations applied, foreign keys on) holding the rows of `seedSql`, so that a test can apply the
 * later migrations and check what they keep. `cleanup` closes it and removes the dir.
 */
export function openReleaseDatabase(release: number, seedSql: string): { db: Database; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-migration-'));
  const db = new BetterSqlite3(join(dir, 'baton.db'));
  db.pragma('foreign_keys = ON');
  applyMigrations(db, MIGRATIONS.slice(0, release));
  db.exec(seedSql);
  const cleanup = () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { db, cleanup };
}
