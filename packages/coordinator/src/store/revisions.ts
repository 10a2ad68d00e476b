import type { BundleType } from '@baton/shared';
import { z } from 'zod';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { parseStoredJson } from './stored-json.js';

/** Where a revision's bytes came from. Only direct uploads today; Git or S3 sources would add members. */
const RevisionSource = z.object({ type: z.literal('upload') });
export type RevisionSource = z.infer<typeof RevisionSource>;

/** A bundle registered for an application; its bytes live once in the blob store under `sha256`. */
export interface Revision {
  readonly id: string;
  readonly applicationId: string;
  readonly sha256: string;
  readonly size: number;
  readonly bundleType: BundleType;
  readonly source: RevisionSource;
  readonly createdAt: string;
}

interface RevisionRow {
  id: string;
  application_id: string;
  sha256: string;
  size: number;
  bundle_type: BundleType;
  source: string;
  created_at: string;
}

const toRevision = (row: RevisionRow): Revision => ({
  id: row.id,
  applicationId: row.application_id,
  sha256: row.sha256,
  size: row.size,
  bundleType: row.bundle_type,
  source: parseStoredJson(RevisionSource, row.source, `source of revision ${row.id}`),
  createdAt: row.created_at,
});

export type RegisterRevisionInput = Omit<Revision, 'id' | 'createdAt'>;

/**
 * Registers a revision, content-addressed within its application: registering the same sha256 again returns
 * the existing revision (with `created: false`) and changes nothing.
 */
export function registerRevision(
  db: Database,
  input: RegisterRevisionInput,
  now: Date,
): { revision: Revision; created: boolean } {
  const { changes } = db
    .prepare(
      `INSERT INTO revisions (id, application_id, sha256, size, bundle_type, source, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (application_id, sha256) DO NOTHING`,
    )
    .run(
      newId('rev'),
      input.applicationId,
      input.sha256,
      input.size,
      input.bundleType,
      JSON.stringify(input.source),
      now.toISOString(),
    );
  const row = db
    .prepare<[string, string], RevisionRow>('SELECT * FROM revisions WHERE application_id = ? AND sha256 = ?')
    .get(input.applicationId, input.sha256);
  if (!row) throw new Error(`revision ${input.sha256} of application ${input.applicationId} vanished after its insert`);
  return { revision: toRevision(row), created: changes === 1 };
}

export function getRevision(db: Database, id: string): Revision | undefined {
  const row = db.prepare<[string], RevisionRow>('SELECT * FROM revisions WHERE id = ?').get(id);
  return row && toRevision(row);
}

/** An application's revisions, newest first. */
export function listRevisions(db: Database, applicationId: string): Revision[] {
  return db
    .prepare<[string], RevisionRow>('SELECT * FROM revisions WHERE application_id = ? ORDER BY created_at DESC, id')
    .all(applicationId)
    .map(toRevision);
}
