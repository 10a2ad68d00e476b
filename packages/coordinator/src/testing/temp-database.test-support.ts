import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../store/database.js';

/** Test support: a real SQLite file in a fresh temp dir; `cleanup` closes it and removes the dir. */
export interface TempDatabase {
  readonly db: Database;
  readonly dir: string;
  cleanup(): void;
}

export function openTempDatabase(): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-'));
  const db = openDatabase(join(dir, 'baton.db'));
  return {
    db,
    dir,
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
