import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export type Database = BetterSqlite3.Database;

/** How long a writer waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the coordinator's SQLite file and brings its schema up to date.
 * WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes under WAL
 * (only a power cut can lose the last transactions).
 */
export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    applyMigrations(db, MIGRATIONS);
    return db;
  } catch (error) {
    db.close();
    throw new Error(`cannot open database ${file}`, { cause: error });
  }
}

/**
 * Applies, in order, every migration not yet recorded in `schema_migrations`. Each runs in its own
 * transaction with its bookkeeping row, so a failing migration leaves the schema at the previous version.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[]): void {
  assertOrdered(migrations);
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((row) => row.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    // SQLite's table-rebuild procedure: enforcement off (possible only outside a transaction), every key checked
    // before the commit instead, so a rebuilt parent table keeps its children without a moment of violation.
    const enforcing = migration.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (enforcing) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.rebuildsTables) assertForeignKeysHold(db);
        record.run(migration.version, new Date().toISOString());
      })();
    } catch (error) {
      throw new Error(`migration ${migration.version} (${migration.name}) failed`, { cause: error });
    } finally {
      if (enforcing) db.pragma('foreign_keys = ON');
    }
  }
}

function assertForeignKeysHold(db: Database): void {
  const violations = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  const first = violations[0];
  if (first) throw new Error(`${violations.length} foreign key violation(s), e.g. ${first.table} row ${first.rowid} → ${first.parent}`);
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
