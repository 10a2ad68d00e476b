import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../process/run-command.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSpecPermission } from '@baton/shared';
import { applyPermissions } from './permissions.js';

let host: string;
let created: string[];
const h = (...parts: string[]) => path.join(host, ...parts);

beforeEach(async () => {
  host = await mkdtemp(path.join(tmpdir(), 'baton-permissions-'));
  await mkdir(h('srv', 'app', 'lib'), { recursive: true });
  await writeFile(h('srv', 'app', 'placed-by-hand.sh'), 'pre-existing');
  created = ['start.sh', 'config.json', '.env', 'lib', 'lib/util.sh', 'lib/index.js'].map((p) => h('srv', 'app', p));
  for (const file of created.filter((p) => !p.endsWith('lib'))) await writeFile(file, 'x');
  for (const target of [...created, h('srv', 'app', 'placed-by-hand.sh')]) await chmod(target, 0o600);
  await symlink('/etc/passwd', h('srv', 'app', 'passwd-link'));
  created.push(h('srv', 'app', 'passwd-link'));
});
afterEach(async () => {
  await rm(host, { recursive: true, force: true });
});

function permission(overrides: Partial<AppSpecPermission>): AppSpecPermission {
  return { object: '/srv/app', pattern: '**', except: [], acls: [], type: ['file', 'directory'], ...overrides };
}

const apply = (...permissions: AppSpecPermission[]) => applyPermissions({ permissions, created, filesRoot: host });
const modeOf = async (...parts: string[]) => (await stat(h(...parts))).mode & 0o7777;
const ownerOf = async (...parts: string[]) => {
  const { uid, gid } = await stat(h(...parts));
  return { uid, gid };
};

describe('applyPermissions', () => {
  it('sets mode, owner and group on every created descendant, and on nothing that pre-existed', async () => {
    const result = await apply(permission({ mode: '0640', owner: 'nobody', group: 'nogroup' }));

    expect(result).toEqual({ ok: true, value: undefined });
    for (const target of ['start.sh', '.env', 'lib', 'lib/index.js']) {
      expect(await modeOf('srv', 'app', target)).toBe(0o640);
      expect(await ownerOf('srv', 'app', target)).toEqual({ uid: 65534, gid: 65534 });
    }
    expect(await modeOf('srv', 'app', 'placed-by-hand.sh')).toBe(0o600);
    expect(await ownerOf('srv', 'app', 'placed-by-hand.sh')).toEqual({ uid: 0, gid: 0 });
    // The object itself is not a target (reference semantics), nor is the symlink's target.
    expect(await ownerOf('srv', 'app')).toEqual({ uid: 0, gid: 0 });
    expect((await stat('/etc/passwd')).mode & 0o777).toBe(0o644);
  });

  it('matches a glob other than ** against immediate children only', async () => {
    await apply(permission({ pattern: '*.sh', mode: '755' }));
    expect(await modeOf('srv', 'app', 'start.sh')).toBe(0o755);
    expect(await modeOf('srv', 'app', 'lib', 'util.sh')).toBe(0o600);
    expect(await modeOf('srv', 'app', 'config.json')).toBe(0o600);
  });

  it('leaves out paths matching an except glob', async () => {
    await apply(permission({ except: ['config.json', '.*'], mode: '644' }));
    expect(await modeOf('srv', 'app', 'start.sh')).toBe(0o644);
    expect(await modeOf('srv', 'app', 'config.json')).toBe(0o600);
    expect(await modeOf('srv', 'app', '.env')).toBe(0o600);
  });

  it('filters by type', async () => {
    await apply(permission({ type: ['directory'], mode: '0711' }));
    expect(await modeOf('srv', 'app', 'lib')).toBe(0o711);
    expect(await modeOf('srv', 'app', 'lib', 'index.js')).toBe(0o600);
  });

  it('applies to a created file named as the object', async () => {
    await apply(permission({ object: '/srv/app/lib/index.js', mode: '0444' }));
    expect(await modeOf('srv', 'app', 'lib', 'index.js')).toBe(0o444);
    expect(await modeOf('srv', 'app', 'lib', 'util.sh')).toBe(0o600);
  });

  it('replaces the ACL with the entries, keeping the base entries of the mode', async () => {
    const acls = ['u:nobody:rw', 'g:nogroup:r'];
    const result = await apply(permission({ object: '/srv/app/lib', mode: '0750', acls }));
    expect(result.ok).toBe(true);
    const { stdout } = await runCommand('getfacl', ['--omit-header', '--absolute-names', h('srv', 'app', 'lib', 'util.sh')]);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      'user::rwx',
      'user:nobody:rw-',
      'group::r-x',
      'group:nogroup:r--',
      'mask::rwx',
      'other::---',
    ]);
  });

  it('reports an ACL entry that setfacl rejects', async () => {
    const result = await apply(permission({ object: '/srv/app/start.sh', acls: ['d:u:nobody:rw'] }));
    const target = h('srv', 'app', 'start.sh');
    expect(!result.ok && result.error).toContain(`setting the ACL d:u:nobody:rw on ${target} failed`);
  });

  it('keeps setuid through the chown that follows chmod', async () => {
    await apply(permission({ object: '/srv/app/start.sh', mode: '4755', owner: 'nobody' }));
    expect(await modeOf('srv', 'app', 'start.sh')).toBe(0o4755);
  });

  it('refuses an SELinux context on a host without SELinux, before touching anything', async () => {
    const result = await apply(
      permission({ mode: '0777', type: ['directory'] }),
      permission({ object: '/srv/app/start.sh', context: { type: 'httpd_sys_content_t' } }),
    );
    expect(!result.ok && result.error).toContain('SELinux context is not supported on this host');
    expect(await modeOf('srv', 'app', 'lib')).toBe(0o600);
  });

  it.each([
    [{ owner: 'no-such-user-baton' }, 'names the owner "no-such-user-baton", not a user on this host'],
    [{ group: 'no-such-group-baton' }, 'names the group "no-such-group-baton", not a group on this host'],
  ])('refuses an unknown user or group before touching anything (%j)', async (names, message) => {
    const result = await apply(permission({ mode: '0777' }), permission({ object: '/srv/other', ...names }));
    expect(!result.ok && result.error).toContain(message);
    expect(await modeOf('srv', 'app', 'start.sh')).toBe(0o600);
  });

  it('works on real paths when there is no files root', async () => {
    const result = await applyPermissions({
      permissions: [permission({ object: h('srv', 'app'), pattern: '*.json', mode: '0400' })],
      created,
    });
    expect(result.ok).toBe(true);
    expect(await modeOf('srv', 'app', 'config.json')).toBe(0o400);
  });
});
