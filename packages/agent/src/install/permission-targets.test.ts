import { describe, expect, it } from 'vitest';
import type { AppSpecPermission } from '@baton/shared';
import { selectPermissionTargets, type CreatedKind } from './permission-targets.js';

const created = new Map<string, CreatedKind>([
  ['/srv/app', 'directory'],
  ['/srv/app/start.sh', 'file'],
  ['/srv/app/.env', 'file'],
  ['/srv/app/config.json', 'file'],
  ['/srv/app/bin', 'directory'],
  ['/srv/app/bin/run.sh', 'file'],
  ['/srv/app-old/x.sh', 'file'],
]);

function permission(overrides: Partial<AppSpecPermission>): AppSpecPermission {
  return { object: '/srv/app', pattern: '**', except: [], acls: [], type: ['file', 'directory'], ...overrides };
}

function targetsOf(permissions: AppSpecPermission[], filesRoot?: string, kinds = created): string[] | string {
  const result = selectPermissionTargets(permissions, kinds, filesRoot);
  return result.ok ? result.value.map((t) => t.target).sort() : result.error;
}

describe('selectPermissionTargets', () => {
  it.each<[string, Partial<AppSpecPermission>, string[]]>([
    [
      '** takes every created descendant, not the object itself',
      {},
      ['/srv/app/.env', '/srv/app/bin', '/srv/app/bin/run.sh', '/srv/app/config.json', '/srv/app/start.sh'],
    ],
    ['another glob takes immediate children only', { pattern: '*.sh' }, ['/srv/app/start.sh']],
    ['globs match dot files', { pattern: '.*' }, ['/srv/app/.env']],
    [
      'except excludes by path relative to the object',
      { except: ['config.json', 'bin/*'] },
      ['/srv/app/.env', '/srv/app/bin', '/srv/app/start.sh'],
    ],
    ['type keeps directories only', { type: ['directory'] }, ['/srv/app/bin']],
    ['type keeps files only', { object: '/srv/app/bin', type: ['file'] }, ['/srv/app/bin/run.sh']],
    ['a created file object is its own target', { object: '/srv/app/start.sh' }, ['/srv/app/start.sh']],
    ['a created file object is skipped for type directory', { object: '/srv/app/start.sh', type: ['directory'] }, []],
    ['an object not created matches its created descendants', { object: '/srv' }, [...created.keys()].sort()],
    ['nothing outside created paths', { object: '/etc' }, []],
  ])('%s', (_, overrides, expected) => {
    expect(targetsOf([permission(overrides)])).toEqual(expected);
  });

  it('rebases objects under the files root', () => {
    const rebased = new Map<string, CreatedKind>([['/tmp/root/srv/app/start.sh', 'file']]);
    expect(targetsOf([permission({})], '/tmp/root', rebased)).toEqual(['/tmp/root/srv/app/start.sh']);
  });

  it('refuses a pattern or except list on a file object', () => {
    const object = '/srv/app/start.sh';
    expect(targetsOf([permission({ object, pattern: '*.sh' })])).toContain('only apply to directories');
    expect(targetsOf([permission({ object, except: ['x'] })])).toContain('only apply to directories');
  });

  it('refuses a path targeted by two entries', () => {
    const twice = [permission({ pattern: '*.sh' }), permission({ object: '/srv/app/start.sh' })];
    expect(targetsOf(twice)).toBe(
      'the permissions for /srv/app/start.sh are specified more than once in the appspec; keep one entry',
    );
  });

  it('lets two entries split one directory between them', () => {
    const split = [permission({ type: ['file'] }), permission({ type: ['directory'] })];
    expect(targetsOf(split)).toHaveLength(5);
  });
});
