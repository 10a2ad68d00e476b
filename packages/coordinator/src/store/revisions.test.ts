import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { createApplication } from './applications.js';
import { getRevision, listRevisions, registerRevision } from './revisions.js';

describe('revisions store', () => {
  let temp: TempDatabase;
  let applicationId: string;
  const now = new Date('2030-01-01T00:00:00.000Z');
  const later = new Date('2030-01-02T00:00:00.000Z');
  const sha = (digit: string) => digit.repeat(64);
  beforeEach(() => {
    temp = openTempDatabase();
    const app = createApplication(temp.db, 'web', now);
    if (!app.ok) throw new Error('setup failed');
    applicationId = app.value.id;
  });
  afterEach(() => temp.cleanup());

  it('registers a revision once per application and sha256', () => {
    const input = { applicationId, sha256: sha('a'), size: 10, bundleType: 'tgz' as const, source: { type: 'upload' as const } };
    const first = registerRevision(temp.db, input, now);
    expect(first.created).toBe(true);
    expect(first.revision).toEqual({ id: expect.stringMatching(/^rev-/), ...input, createdAt: now.toISOString() });
    const again = registerRevision(temp.db, input, later);
    expect(again).toEqual({ revision: first.revision, created: false });
    expect(getRevision(temp.db, first.revision.id)).toEqual(first.revision);
  });

  it('lists newest first, and refuses an unknown application', () => {
    const base = { applicationId, size: 1, bundleType: 'zip' as const, source: { type: 'upload' as const } };
    registerRevision(temp.db, { ...base, sha256: sha('a') }, now);
    registerRevision(temp.db, { ...base, sha256: sha('b') }, later);
    expect(listRevisions(temp.db, applicationId).map((revision) => revision.sha256)).toEqual([sha('b'), sha('a')]);
    expect(() => registerRevision(temp.db, { ...base, applicationId: 'app-nope', sha256: sha('c') }, now)).toThrow(/FOREIGN KEY/);
  });
});
