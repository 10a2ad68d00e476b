import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { createApplication } from './applications.js';
import {
  addRevisionSignature,
  findRevisionBySourceKey,
  getRevision,
  listRevisions,
  recordUnresolvedRevision,
  registerRevision,
  toContextRevision,
  type RegisterRevisionInput,
} from './revisions.js';

describe('revisions store', () => {
  let temp: TempDatabase;
  let applicationId: string;
  const now = new Date('2030-01-01T00:00:00.000Z');
  const later = new Date('2030-01-02T00:00:00.000Z');
  const sha = (digit: string) => digit.repeat(64);
  const signature = (keyDigit: string, sigChar = 'A') => ({ keyId: keyDigit.repeat(16), signature: `${sigChar.repeat(86)}==` });
  beforeEach(() => {
    temp = openTempDatabase();
    const app = createApplication(temp.db, 'web', now);
    if (!app.ok) throw new Error('setup failed');
    applicationId = app.value.id;
  });
  afterEach(() => temp.cleanup());

  it('registers an upload once per application and sha256', () => {
    const input: RegisterRevisionInput = { applicationId, sha256: sha('a'), size: 10, bundleType: 'tgz', source: { type: 'upload' } };
    const first = registerRevision(temp.db, input, now);
    expect(first.created).toBe(true);
    expect(first.revision).toEqual({
      status: 'resolved',
      id: expect.stringMatching(/^rev-/),
      applicationId,
      location: 'upload',
      sha256: sha('a'),
      size: 10,
      bundleType: 'tgz',
      source: { type: 'upload' },
      signatures: [],
      createdAt: now.toISOString(),
    });
    const again = registerRevision(temp.db, input, later);
    expect(again).toEqual({ revision: first.revision, created: false });
    expect(getRevision(temp.db, first.revision.id)).toEqual(first.revision);
  });

  it('keeps the same bytes from two sources apart, and finds a source resolved before', () => {
    const base = { applicationId, sha256: sha('a'), size: 10, bundleType: 'zip' as const };
    const s3 = { type: 's3' as const, bucket: 'bundles', key: 'web.zip', etag: 'e1' };
    const upload = registerRevision(temp.db, { ...base, source: { type: 'upload' } }, now).revision;
    const fromS3 = registerRevision(temp.db, { ...base, source: s3, location: 's3://bundles/web.zip' }, now).revision;
    expect(fromS3.id).not.toBe(upload.id);
    expect(fromS3.location).toBe('s3://bundles/web.zip');
    expect(findRevisionBySourceKey(temp.db, applicationId, 's3://bundles/web.zip?versionId=&etag=e1')).toEqual(fromS3);
    expect(findRevisionBySourceKey(temp.db, applicationId, 's3://bundles/web.zip?versionId=&etag=e2')).toBeUndefined();
  });

  it('records a location that could not be resolved, every attempt apart, and lists it with the others', () => {
    const error = { code: 'REVISION_MISSING' as const, message: 's3://bundles/nope.tgz not found: NoSuchKey (HTTP 404)' };
    const first = recordUnresolvedRevision(temp.db, { applicationId, location: 's3://bundles/nope.tgz', error }, now);
    const second = recordUnresolvedRevision(temp.db, { applicationId, location: 's3://bundles/nope.tgz', error }, later);
    expect(getRevision(temp.db, first.id)).toEqual({ status: 'unresolved', id: first.id, applicationId, location: 's3://bundles/nope.tgz', error, createdAt: now.toISOString() });
    const resolved = registerRevision(temp.db, { applicationId, sha256: sha('b'), size: 1, bundleType: 'tar', source: { type: 'upload' } }, later).revision;
    expect(listRevisions(temp.db, applicationId).map((revision) => revision.id)).toEqual([resolved.id, second.id, first.id]);
  });

  it('adds signatures, one per key, and refuses to sign an unresolved revision', () => {
    const { revision } = registerRevision(temp.db, { applicationId, sha256: sha('c'), size: 1, bundleType: 'tgz', source: { type: 'upload' } }, now);
    addRevisionSignature(temp.db, revision.id, signature('1'));
    addRevisionSignature(temp.db, revision.id, signature('2'));
    const replaced = addRevisionSignature(temp.db, revision.id, signature('1', 'B'));
    expect(replaced?.signatures).toEqual([signature('2'), signature('1', 'B')]);
    expect(getRevision(temp.db, revision.id)).toEqual(replaced);
    const unresolved = recordUnresolvedRevision(temp.db, { applicationId, location: 'x', error: { code: 'INVALID_REVISION', message: 'bad' } }, now);
    expect(addRevisionSignature(temp.db, unresolved.id, signature('1'))).toBeUndefined();
    expect(addRevisionSignature(temp.db, 'rev-nope', signature('1'))).toBeUndefined();
  });

  it('gives agents the source and signatures, and old rows without them stay valid', () => {
    const row = { sha256: sha('d'), size: 5, bundle_type: 'zip' as const };
    expect(toContextRevision({ ...row, source: null, signatures: '[]' })).toEqual({ sha256: sha('d'), size: 5, bundleType: 'zip' });
    const git = { type: 'git', repository: 'https://example.com/r.git', commit: 'f'.repeat(40) };
    expect(toContextRevision({ ...row, source: JSON.stringify(git), signatures: JSON.stringify([signature('3')]) })).toEqual({
      sha256: sha('d'),
      size: 5,
      bundleType: 'zip',
      source: git,
      signatures: [signature('3')],
    });
  });

  it('refuses an unknown application', () => {
    const input = { applicationId: 'app-nope', sha256: sha('e'), size: 1, bundleType: 'zip' as const, source: { type: 'upload' as const } };
    expect(() => registerRevision(temp.db, input, now)).toThrow(/FOREIGN KEY/);
  });
});
