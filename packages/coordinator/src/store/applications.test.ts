import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { createApplication, getApplication, getApplicationByName, listApplications } from './applications.js';

describe('applications store', () => {
  let temp: TempDatabase;
  const now = new Date('2030-01-01T00:00:00.000Z');
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('creates, gets and lists applications by name', () => {
    const created = createApplication(temp.db, 'web', now);
    createApplication(temp.db, 'api', now);
    expect(created).toEqual({ ok: true, value: { id: expect.stringMatching(/^app-/), name: 'web', createdAt: now.toISOString() } });
    if (!created.ok) return;
    expect(getApplicationByName(temp.db, 'web')).toEqual(created.value);
    expect(getApplication(temp.db, created.value.id)).toEqual(created.value);
    expect(listApplications(temp.db).map((app) => app.name)).toEqual(['api', 'web']);
  });

  it('refuses a duplicate name and keeps the first', () => {
    const first = createApplication(temp.db, 'web', now);
    expect(createApplication(temp.db, 'web', now)).toEqual({ ok: false, error: 'ALREADY_EXISTS' });
    expect(listApplications(temp.db)).toEqual([first.ok && first.value]);
  });

  it('returns undefined for an unknown application', () => {
    expect(getApplicationByName(temp.db, 'nope')).toBeUndefined();
    expect(getApplication(temp.db, 'app-nope')).toBeUndefined();
  });
});
