import { err, ok, type Result } from '@baton/shared';
import { newId } from '../ids.js';
import type { Database } from './database.js';

export interface Application {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

interface ApplicationRow {
  id: string;
  name: string;
  created_at: string;
}

const toApplication = (row: ApplicationRow): Application => ({ id: row.id, name: row.name, createdAt: row.created_at });

/** Names are unique: a second application with the same name is refused, never overwritten. */
export function createApplication(db: Database, name: string, now: Date): Result<Application, 'ALREADY_EXISTS'> {
  const application = { id: newId('app'), name, createdAt: now.toISOString() };
  const { changes } = db
    .prepare('INSERT INTO applications (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
    .run(application.id, application.name, application.createdAt);
  return changes === 1 ? ok(application) : err('ALREADY_EXISTS');
}

export function getApplicationByName(db: Database, name: string): Application | undefined {
  const row = db.prepare<[string], ApplicationRow>('SELECT * FROM applications WHERE name = ?').get(name);
  return row && toApplication(row);
}

export function getApplication(db: Database, id: string): Application | undefined {
  const row = db.prepare<[string], ApplicationRow>('SELECT * FROM applications WHERE id = ?').get(id);
  return row && toApplication(row);
}

export function listApplications(db: Database): Application[] {
  return db.prepare<[], ApplicationRow>('SELECT * FROM applications ORDER BY name').all().map(toApplication);
}
