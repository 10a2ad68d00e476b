import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { appendAuditEntry, listAuditEntries, type NewAuditEntry } from './audit-log.js';

describe('audit log store', () => {
  let temp: TempDatabase;
  const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute));
  const entry = (minute: number, overrides: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
    actor: { tokenId: 'tok-1', name: 'ci' },
    action: 'POST /deployments',
    source: { channel: 'api', address: '10.0.0.7' },
    at: at(minute),
    ...overrides,
  });
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('reads back what was appended, newest first, with only the fields given', () => {
    const first = appendAuditEntry(temp.db, entry(0));
    const second = appendAuditEntry(
      temp.db,
      entry(1, {
        action: 'dashboard: stop',
        target: '/deployments/d-1',
        source: { channel: 'dashboard', address: '::1', forwardedFor: '203.0.113.9, 10.0.0.1' },
        status: 200,
        detail: { application: 'web', rollback: true },
      }),
    );
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(listAuditEntries(temp.db, { limit: 10 })).toEqual([
      {
        seq: second.seq,
        at: at(1).toISOString(),
        actor: { tokenId: 'tok-1', name: 'ci' },
        action: 'dashboard: stop',
        target: '/deployments/d-1',
        source: { channel: 'dashboard', address: '::1', forwardedFor: '203.0.113.9, 10.0.0.1' },
        status: 200,
        detail: { application: 'web', rollback: true },
      },
      { seq: first.seq, at: at(0).toISOString(), actor: { tokenId: 'tok-1', name: 'ci' }, action: 'POST /deployments', source: { channel: 'api', address: '10.0.0.7' } },
    ]);
  });

  it('filters by time and caps the count', () => {
    for (const minute of [0, 5, 10, 15]) appendAuditEntry(temp.db, entry(minute));
    expect(listAuditEntries(temp.db, { since: at(5), limit: 10 }).map((e) => e.at)).toEqual([at(15), at(10), at(5)].map((d) => d.toISOString()));
    expect(listAuditEntries(temp.db, { limit: 2 }).map((e) => e.at)).toEqual([at(15), at(10)].map((d) => d.toISOString()));
  });

  it('is append-only: the database refuses UPDATE and DELETE', () => {
    appendAuditEntry(temp.db, entry(0));
    expect(() => temp.db.prepare("UPDATE audit_log SET action = 'nothing'").run()).toThrow('the audit log is append-only');
    expect(() => temp.db.prepare('DELETE FROM audit_log').run()).toThrow('the audit log is append-only');
    expect(listAuditEntries(temp.db, { limit: 10 })).toMatchObject([{ action: 'POST /deployments' }]);
  });
});
