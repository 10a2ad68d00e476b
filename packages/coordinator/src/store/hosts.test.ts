import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempDatabase, type TempDatabase } from '../testing/temp-database.test-support.js';
import { authenticateHost, enrollHost, getHost, listHosts, recordHostHello, setHostOnline } from './hosts.js';

const facts = { hostname: 'web-1', platform: 'linux', os: 'Debian', arch: 'x64', release: '12' };

describe('hosts store', () => {
  let temp: TempDatabase;
  const enrolledAt = new Date('2030-01-01T00:00:00.000Z');
  const later = new Date('2030-01-01T00:05:00.000Z');
  beforeEach(() => {
    temp = openTempDatabase();
  });
  afterEach(() => temp.cleanup());

  it('enrolls a host and returns a credential of the form <hostId>.<secret>', () => {
    const { host, credential } = enrollHost(temp.db, { name: 'web-1', tags: { env: 'prod', role: '' } }, enrolledAt);
    expect(host).toEqual({
      id: expect.stringMatching(/^h-/),
      name: 'web-1',
      tags: { env: 'prod', role: '' },
      facts: undefined,
      agentVersion: undefined,
      online: false,
      lastSeenAt: undefined,
      enrolledAt: enrolledAt.toISOString(),
    });
    expect(credential.startsWith(`${host.id}.`)).toBe(true);
    expect(JSON.stringify(temp.db.prepare('SELECT * FROM hosts').all())).not.toContain(credential.split('.')[1]);
  });

  it('authenticates the right credential only', () => {
    const { host, credential } = enrollHost(temp.db, { name: 'web-1', tags: {}, facts }, enrolledAt);
    const other = enrollHost(temp.db, { name: 'web-2', tags: {} }, enrolledAt);
    expect(authenticateHost(temp.db, credential)).toEqual(host);
    expect(authenticateHost(temp.db, `${host.id}.wrong`)).toBeUndefined();
    expect(authenticateHost(temp.db, `${other.host.id}.${credential.split('.')[1]}`)).toBeUndefined();
    expect(authenticateHost(temp.db, 'h-unknown.secret')).toBeUndefined();
    expect(authenticateHost(temp.db, 'garbage')).toBeUndefined();
  });

  it('records hello and online state', () => {
    const { host } = enrollHost(temp.db, { name: 'web-1', tags: {} }, enrolledAt);
    recordHostHello(temp.db, host.id, facts, '1.2.3', later);
    setHostOnline(temp.db, host.id, true, later);
    expect(getHost(temp.db, host.id)).toMatchObject({ facts, agentVersion: '1.2.3', online: true, lastSeenAt: later.toISOString() });
    setHostOnline(temp.db, host.id, false, later);
    expect(getHost(temp.db, host.id)?.online).toBe(false);
  });

  it('lists hosts by name', () => {
    enrollHost(temp.db, { name: 'b', tags: {} }, enrolledAt);
    enrollHost(temp.db, { name: 'a', tags: {} }, enrolledAt);
    expect(listHosts(temp.db).map((host) => host.name)).toEqual(['a', 'b']);
    expect(getHost(temp.db, 'h-nope')).toBeUndefined();
  });
});
