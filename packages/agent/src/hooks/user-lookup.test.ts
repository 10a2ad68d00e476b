import { describe, expect, it } from 'vitest';
import { lookupUser, parsePasswdLine } from './user-lookup.js';

describe('lookupUser', () => {
  it('finds users in the system database by name and by id', async () => {
    expect(await lookupUser('root')).toEqual({ name: 'root', uid: 0, gid: 0, home: '/root', shell: expect.any(String) });
    expect((await lookupUser('0'))?.name).toBe('root');
  });

  it('returns undefined for an unknown user, even one that looks like an option', async () => {
    expect(await lookupUser('no-such-user-baton')).toBeUndefined();
    expect(await lookupUser('--help')).toBeUndefined();
  });
});

describe('parsePasswdLine', () => {
  it.each([
    ['www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin', { name: 'www-data', uid: 33, gid: 33, home: '/var/www', shell: '/usr/sbin/nologin' }],
    ['short:x:1:1', undefined],
    ['bad:x:one:1::/:/bin/sh', undefined],
  ])('%s', (line, expected) => {
    expect(parsePasswdLine(line)).toEqual(expected);
  });
});
