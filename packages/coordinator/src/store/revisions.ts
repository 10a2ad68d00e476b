import { RevisionSource, RevisionSignature, type BundleType, type DeploymentContext } from '@baton/shared';
import { z } from 'zod';
import { newId } from '../ids.js';
import { sourceKeyOf } from '../revisions/source-key.js';
import type { Database } from './database.js';
import { parseStoredJson } from './stored-json.js';

/** A bundle registered for an application; its bytes live once in the blob store under `sha256`. */
export interface Revision {
  readonly status: 'resolved';
  readonly id: string;
  readonly applicationId: string;
  /** The location as asked for, for people (`s3://bucket/key`, a repository and commit, a URL, `upload`). */
  readonly location: string;
  readonly sha256: string;
  readonly size: number;
  readonly bundleType: BundleType;
  readonly source: RevisionSource;
  readonly signatures: readonly RevisionSignature[];
  readonly createdAt: string;
}

/** A location that could not be resolved: kept so that the deployment that asked for it can say why it failed. */
export interface UnresolvedRevision {
  readonly status: 'unresolved';
  readonly id: string;
  readonly applicationId: string;
  readonly location: string;
  readonly error: RevisionError;
  readonly createdAt: string;
}

export interface RevisionError {
  readonly code: 'REVISION_MISSING' | 'INVALID_REVISION';
  readonly message: string;
}

export type RevisionEntry = Revision | UnresolvedRevision;

interface RevisionRow {
  id: string;
  application_id: string;
  location: string;
  source: string | null;
  sha256: string | null;
  size: number | null;
  bundle_type: BundleType | null;
  signatures: string;
  error_code: RevisionError['code'] | null;
  error_message: string | null;
  created_at: string;
}

const Signatures = z.array(RevisionSignature);

function toEntry(row: RevisionRow): RevisionEntry {
  const common = { id: row.id, applicationId: row.application_id, location: row.location, createdAt: row.created_at };
  if (row.sha256 === null || row.source === null) {
    return { status: 'unresolved', ...common, error: { code: row.error_code ?? 'REVISION_MISSING', message: row.error_message ?? '' } };
  }
  return {
    status: 'resolved',
    ...common,
    sha256: row.sha256,
    size: row.size ?? 0,
    bundleType: row.bundle_type ?? 'tgz',
    source: parseStoredJson(RevisionSource, row.source, `source of revision ${row.id}`),
    signatures: parseStoredJson(Signatures, row.signatures, `signatures of revision ${row.id}`),
  };
}

export interface RegisterRevisionInput {
  readonly applicationId: string;
  readonly sha256: string;
  readonly size: number;
  readonly bundleType: BundleType;
  readonly source: RevisionSource;
  /** Defaults to `upload` for uploads; resolvers pass the location as it was asked for. */
  readonly location?: string;
}

/**
 * Registers a revision, once per application and source (see `sourceKeyOf`): registering the same bytes from the
 * same source again returns the existing revision (with `created: false`) and changes nothing.
 */
export function registerRevision(db: Database, input: RegisterRevisionInput, now: Date): { revision: Revision; created: boolean } {
  const sourceKey = sourceKeyOf(input.source, input.sha256);
  const { changes } = db
    .prepare(
      `INSERT INTO revisions (id, application_id, location, source_key, source, sha256, size, bundle_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (application_id, source_key) DO NOTHING`,
    )
    .run(
      newId('rev'),
      input.applicationId,
      input.location ?? 'upload',
      sourceKey,
      JSON.stringify(input.source),
      input.sha256,
      input.size,
      input.bundleType,
      now.toISOString(),
    );
  const revision = findRevisionBySourceKey(db, input.applicationId, sourceKey);
  if (!revision) throw new Error(`revision ${sourceKey} of application ${input.applicationId} vanished after its insert`);
  return { revision, created: changes === 1 };
}

/** The application's revision of exactly these bytes (`sourceKeyOf`), if it was resolved before. */
export function findRevisionBySourceKey(db: Database, applicationId: string, sourceKey: string): Revision | undefined {
  const row = db
    .prepare<[string, string], RevisionRow>('SELECT * FROM revisions WHERE application_id = ? AND source_key = ?')
    .get(applicationId, sourceKey);
  const entry = row && toEntry(row);
  return entry?.status === 'resolved' ? entry : undefined;
}

/** Records a location that could not be resolved; every attempt is its own row. */
export function recordUnresolvedRevision(
  db: Database,
  input: { applicationId: string; location: string; error: RevisionError },
  now: Date,
): UnresolvedRevision {
  const id = newId('rev');
  db.prepare(
    `INSERT INTO revisions (id, application_id, location, error_code, error_message, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(id, input.applicationId, input.location, input.error.code, input.error.message, now.toISOString());
  return { status: 'unresolved', id, applicationId: input.applicationId, location: input.location, error: input.error, createdAt: now.toISOString() };
}

export function getRevision(db: Database, id: string): RevisionEntry | undefined {
  const row = db.prepare<[string], RevisionRow>('SELECT * FROM revisions WHERE id = ?').get(id);
  return row && toEntry(row);
}

/** An application's revisions, newest first, unresolved locations included. */
export function listRevisions(db: Database, applicationId: string): RevisionEntry[] {
  return db
    .prepare<[string], RevisionRow>('SELECT * FROM revisions WHERE application_id = ? ORDER BY created_at DESC, rowid DESC')
    .all(applicationId)
    .map(toEntry);
}

/**
 * Adds a signature to a resolved revision, replacing an earlier one by the same key. Returns undefined when there
 * is no resolved revision with this id. Deployments started before keep the signatures they were sent.
 */
export function addRevisionSignature(db: Database, id: string, signature: RevisionSignature): Revision | undefined {
  return db.transaction(() => {
    const entry = getRevision(db, id);
    if (entry?.status !== 'resolved') return undefined;
    const signatures = [...entry.signatures.filter((existing) => existing.keyId !== signature.keyId), signature];
    db.prepare('UPDATE revisions SET signatures = ? WHERE id = ?').run(JSON.stringify(signatures), id);
    return { ...entry, signatures };
  })();
}

/** The part of the deployment context that describes the revision, from its stored columns. */
export function toContextRevision(row: {
  sha256: string;
  size: number;
  bundle_type: BundleType;
  source: string | null;
  signatures: string;
}): DeploymentContext['revision'] {
  const signatures = parseStoredJson(Signatures, row.signatures, 'revision signatures');
  return {
    sha256: row.sha256,
    size: row.size,
    bundleType: row.bundle_type,
    ...(row.source === null ? {} : { source: parseStoredJson(RevisionSource, row.source, 'revision source') }),
    ...(signatures.length === 0 ? {} : { signatures }),
  };
}
