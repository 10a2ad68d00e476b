import { describe, expect, it } from 'vitest';
import { parseAppSpec, type AppSpecError } from './parse.js';
import type { AppSpec, AppSpecOs } from './schema.js';

const parse = (text: string, platform: AppSpecOs = 'linux') =>
  parseAppSpec(text, { fileName: 'appspec.yml', platform });

/** A valid linux header followed by the given lines. */
const linux = (...lines: string[]): string => ['version: 0.0', 'os: linux', ...lines].join('\n');

function parsed(text: string, platform: AppSpecOs = 'linux'): AppSpec {
  const result = parse(text, platform);
  if (!result.ok) throw new Error(`expected a valid appspec, got: ${result.error.message}`);
  return result.value;
}

function refused(text: string, platform: AppSpecOs = 'linux'): AppSpecError {
  const result = parse(text, platform);
  if (result.ok) throw new Error(`expected a refusal, got: ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseAppSpec: a complete appspec', () => {
  it('reads the reference example into an AppSpec with defaults filled in', () => {
    const spec = parsed(
      linux(
        'files:',
        '  - source: /',
        '    destination: /srv/app',
        'file_exists_behavior: OVERWRITE',
        'permissions:',
        '  - object: /srv/app',
        '    pattern: "**"',
        '    except: [config.json]',
        '    owner: www-data',
        '    group: www-data',
        '    mode: 644',
        '    acls: [u:bob:rw]',
        '    context: {type: httpd_sys_content_t}',
        '    type: [file, directory]',
        'hooks:',
        '  ApplicationStop:',
        '    - location: scripts/stop.sh',
        '      timeout: 300',
        '      runas: www-data',
        '  ValidateService:',
        '    - location: scripts/check.sh',
      ),
    );
    expect(spec).toEqual({
      version: '0.0',
      os: 'linux',
      files: [{ source: '/', destination: '/srv/app' }],
      fileExistsBehavior: 'OVERWRITE',
      permissions: [
        {
          object: '/srv/app',
          pattern: '**',
          except: ['config.json'],
          owner: 'www-data',
          group: 'www-data',
          mode: '644',
          acls: ['u:bob:rw'],
          context: { type: 'httpd_sys_content_t' },
          type: ['file', 'directory'],
        },
      ],
      hooks: {
        ApplicationStop: [{ location: 'scripts/stop.sh', timeoutSeconds: 300, runas: 'www-data' }],
        ValidateService: [{ location: 'scripts/check.sh', timeoutSeconds: 3600 }],
      },
    } satisfies AppSpec);
  });

  it('fills the defaults of a minimal appspec', () => {
    expect(parsed(linux())).toEqual({ version: '0.0', os: 'linux', files: [], permissions: [], hooks: {} });
  });

  it('defaults a permission to every file and directory under its object', () => {
    const [permission] = parsed(linux('permissions:', '  - object: /srv/app')).permissions;
    expect(permission).toEqual({
      object: '/srv/app',
      pattern: '**',
      except: [],
      acls: [],
      type: ['file', 'directory'],
    });
  });

  it('ignores unknown top-level keys, as the reference agent does', () => {
    expect(parsed(linux('custom_notes: anything')).hooks).toEqual({});
  });
});

describe('parseAppSpec: error messages', () => {
  it('names the file, the key path and the reason', () => {
    expect(refused(linux('hooks:', '  ApplicationStop:', '    - timeout: 30'))).toEqual({
      file: 'appspec.yml',
      key: 'hooks.ApplicationStop[0].location',
      reason: 'specifies a script with no location value',
      message: 'appspec.yml: hooks.ApplicationStop[0].location: specifies a script with no location value',
    });
  });

  it('uses the file name it is given', () => {
    const result = parseAppSpec('os: linux', { fileName: 'appspec.yaml', platform: 'linux' });
    expect(result.ok ? undefined : result.error.message).toBe('appspec.yaml: version: missing version value');
  });

  it('reports the first problem in field order', () => {
    const error = refused(['version: 1', 'os: solaris', 'hooks: {Install: []}'].join('\n'));
    expect(error.key).toBe('version');
  });
});

/** Each level lists the one before ten times: a million nodes once expanded, from a few lines of text. */
function aliasBomb(): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level <= 5; level += 1) {
    lines.push(`l${level}: &l${level} [${Array<string>(10).fill(`*l${level - 1}`).join(', ')}]`);
  }
  return lines.join('\n');
}

describe('parseAppSpec: the document', () => {
  it.each([
    ['an empty file', '', 'the file is empty'],
    ['a comment only', '# nothing here', 'the file is empty'],
    ['a list', '- version: 0.0', 'the file must be a YAML mapping'],
    ['a scalar', 'hello', 'the file must be a YAML mapping'],
    ['broken syntax', 'version: [0.0', 'invalid YAML'],
    ['a duplicate key', 'version: 0.0\nversion: 0.0', 'invalid YAML: Map keys must be unique'],
    ['an unresolved alias', 'version: *v', 'invalid YAML'],
    ['two documents', 'version: 0.0\n---\nos: linux', 'invalid YAML'],
    ['an alias bomb', aliasBomb(), 'invalid YAML: Excessive alias count'],
  ])('refuses %s', (_, text, reason) => {
    const error = refused(text);
    expect(error.key).toBe('');
    expect(error.reason).toContain(reason);
    expect(error.message).toBe(`appspec.yml: ${error.reason}`);
  });
});

describe('parseAppSpec: version and os', () => {
  it.each([
    ['version: 0.0', 'os: linux'],
    ['version: "0.0"', 'os: linux'],
  ])('accepts %s', (version, os) => {
    expect(parsed(`${version}\n${os}`).version).toBe('0.0');
  });

  it.each([
    ['os: linux', 'version', 'missing version value'],
    ['version: 1.0\nos: linux', 'version', 'invalid version value (1)'],
    ['version: "0.1"\nos: linux', 'version', 'invalid version value (0.1)'],
    ['version: latest\nos: linux', 'version', 'invalid version value (latest)'],
    ['version:\nos: linux', 'version', 'missing version value'],
    ['version: 0.0', 'os', 'missing os value'],
    ['version: 0.0\nos: macos', 'os', 'unsupported operating system (macos)'],
    ['version: 0.0\nos: Linux', 'os', 'unsupported operating system (Linux)'],
  ])('refuses %j', (text, key, reason) => {
    const error = refused(text);
    expect(error.key).toBe(key);
    expect(error.reason).toContain(reason);
  });

  it('refuses an appspec for another platform', () => {
    expect(refused(linux(), 'windows')).toMatchObject({
      key: 'os',
      reason: 'the appspec is for linux but this host runs windows',
    });
  });

  it('accepts a windows appspec on windows', () => {
    const spec = parsed(
      ['version: 0.0', 'os: windows', 'files:', '  - source: app', '    destination: C:\\inetpub\\app'].join('\n'),
      'windows',
    );
    expect(spec.files).toEqual([{ source: 'app', destination: 'C:\\inetpub\\app' }]);
  });
});

describe('parseAppSpec: files', () => {
  it('accepts an empty files key', () => {
    expect(parsed(linux('files:')).files).toEqual([]);
  });

  it.each([
    ['files: [{destination: /srv}]', 'files[0].source', 'specifies a destination with no source value'],
    ['files: [{source: /}]', 'files[0].destination', 'specifies a source with no destination value'],
    ['files: [{source: "", destination: /srv}]', 'files[0].source', 'specifies a destination with no source value'],
    ['files: [{source: /, destination: srv/app}]', 'files[0].destination', 'must be an absolute path, not srv/app'],
    ['files: [{source: a, destination: /a}, {source: b, destination: b}]', 'files[1].destination', 'absolute'],
    ['files: /srv', 'files', 'must be a list of source/destination mappings'],
    ['files: [/srv]', 'files[0]', 'must be a mapping with source and destination'],
  ])('refuses %s', (line, key, reason) => {
    const error = refused(linux(line));
    expect(error.key).toBe(key);
    expect(error.reason).toContain(reason);
  });

  it.each([['C:\\app'], ['C:/app'], ['\\\\server\\share']])('accepts the windows destination %s', (destination) => {
    const text = ['version: 0.0', 'os: windows', `files: [{source: a, destination: '${destination}'}]`].join('\n');
    expect(parsed(text, 'windows').files[0]?.destination).toBe(destination);
  });

  it('refuses a linux-style destination on windows', () => {
    const text = ['version: 0.0', 'os: windows', 'files:', '  - source: a', '    destination: /srv'].join('\n');
    expect(refused(text, 'windows').key).toBe('files[0].destination');
  });
});

describe('parseAppSpec: file_exists_behavior', () => {
  it.each(['DISALLOW', 'OVERWRITE', 'RETAIN'] as const)('accepts %s', (behavior) => {
    expect(parsed(linux(`file_exists_behavior: ${behavior}`)).fileExistsBehavior).toBe(behavior);
  });

  it('leaves it unset when absent, so the deployment option applies', () => {
    expect(parsed(linux()).fileExistsBehavior).toBeUndefined();
  });

  it.each(['overwrite', 'REPLACE'])('refuses %s', (behavior) => {
    expect(refused(linux(`file_exists_behavior: ${behavior}`))).toMatchObject({
      key: 'file_exists_behavior',
      reason: `must be DISALLOW, OVERWRITE or RETAIN, not ${behavior}`,
    });
  });
});

describe('parseAppSpec: permissions', () => {
  const permission = (...lines: string[]) =>
    linux('permissions:', '  - object: /srv/app', ...lines.map((line) => `    ${line}`));
  const firstPermission = (...lines: string[]) => parsed(permission(...lines)).permissions[0];

  it.each([
    ['644', '644'],
    ['"0644"', '0644'],
    ['0644', '0644'],
    ['"755"', '755'],
    ['4755', '4755'],
    ['7', '7'],
    ["'0'", '0'],
  ])('keeps mode %s as the digits %s', (written, digits) => {
    expect(firstPermission(`mode: ${written}`)?.mode).toBe(digits);
  });

  it.each([
    ['0o644', 'must be 1 to 4 octal digits, not 0o644'],
    ['648', 'must be 1 to 4 octal digits, not 648'],
    ['10644', 'must be 1 to 4 octal digits, not 10644'],
    ['u+x', 'must be 1 to 4 octal digits, not u+x'],
    ['6.44', 'must be 1 to 4 octal digits, not 6.44'],
    ['[644]', 'must be 1 to 4 octal digits'],
  ])('refuses mode %s', (written, reason) => {
    expect(refused(permission(`mode: ${written}`))).toMatchObject({ key: 'permissions[0].mode', reason });
  });

  it('reads numeric owner and group ids as strings', () => {
    expect(firstPermission('owner: 1000', 'group: 0')).toMatchObject({ owner: '1000', group: '0' });
  });

  it.each([['u:bob:rw'], ['g:devs:r-x'], ['bob:7'], ['m::rx'], ['d:u::rwx'], ['default:group:devs:rw']])(
    'accepts the named or default ACL entry %s',
    (entry) => {
      expect(firstPermission(`acls: ["${entry}"]`)?.acls).toEqual([entry]);
    },
  );

  it.each([
    ['u::rw', 'names no user or group'],
    ['o::r', 'names no user or group'],
    ['u:bob:rw:x', 'is not a valid ACL entry'],
    ['u:bob:rwz', 'has invalid permissions'],
  ])('refuses the ACL entry %s', (entry, reason) => {
    const error = refused(permission(`acls: [u:alice:r, "${entry}"]`));
    expect(error.key).toBe('permissions[0].acls[1]');
    expect(error.reason).toContain(reason);
  });

  it('reads an SELinux context, with user spelled user or name', () => {
    expect(firstPermission('context: {user: system_u, type: httpd_sys_content_t, range: s0}')?.context).toEqual({
      user: 'system_u',
      type: 'httpd_sys_content_t',
      range: 's0',
    });
    expect(firstPermission('context: {name: system_u, type: t}')?.context).toMatchObject({ user: 'system_u' });
  });

  it.each([
    ['context: {user: system_u}', 'permissions[0].context.type', 'an SELinux context needs a type'],
    ['context: {type: t, range: "c0"}', 'permissions[0].context.range', 'must be an SELinux range'],
  ])('refuses %s', (line, key, reason) => {
    expect(refused(permission(line))).toMatchObject({ key, reason: expect.stringContaining(reason) });
  });

  it.each([
    ['type: [file]', ['file']],
    ['type: [directory]', ['directory']],
    ['type:', ['file', 'directory']],
  ])('reads %s', (line, types) => {
    expect(firstPermission(line)?.type).toEqual(types);
  });

  it('refuses an object type other than file or directory', () => {
    expect(refused(permission('type: [file, symlink]'))).toMatchObject({
      key: 'permissions[0].type[1]',
      reason: 'applies to files and directories only, not symlink',
    });
  });

  it('requires an object', () => {
    expect(refused(linux('permissions:', '  - mode: 644'))).toMatchObject({
      key: 'permissions[0].object',
      reason: 'a permission has no object value',
    });
  });

  it.each([
    [['/srv/app', '/srv/app']],
    [['/srv/app', '/srv/app/']],
  ])('refuses a path that is the object of two entries: %j', (objects) => {
    const lines = objects.flatMap((object) => [`  - object: ${object}`, '    mode: 644']);
    expect(refused(linux('permissions:', ...lines))).toMatchObject({
      key: 'permissions[1].object',
      reason: expect.stringContaining('is already the object of permissions[0]'),
    });
  });

  it('accepts distinct objects, nested ones included', () => {
    const spec = parsed(linux('permissions:', '  - object: /srv/app', '  - object: /srv/app/logs'));
    expect(spec.permissions.map((p) => p.object)).toEqual(['/srv/app', '/srv/app/logs']);
  });

  it('refuses permissions on windows', () => {
    const text = ['version: 0.0', 'os: windows', 'permissions:', '  - object: C:\\app'].join('\n');
    expect(refused(text, 'windows')).toMatchObject({
      key: 'permissions',
      reason: 'permissions are supported on linux only',
    });
  });
});

describe('parseAppSpec: hooks', () => {
  it.each([
    'ApplicationStop',
    'BeforeInstall',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
    'BeforeBlockTraffic',
    'AfterBlockTraffic',
    'BeforeAllowTraffic',
    'AfterAllowTraffic',
  ])('accepts scripts for %s', (hook) => {
    const spec = parsed(linux('hooks:', `  ${hook}:`, '    - location: scripts/run.sh'));
    expect(spec.hooks).toEqual({ [hook]: [{ location: 'scripts/run.sh', timeoutSeconds: 3600 }] });
  });

  it.each(['DownloadBundle', 'Install', 'BlockTraffic', 'AllowTraffic'])('refuses scripts for reserved %s', (hook) => {
    expect(refused(linux('hooks:', `  ${hook}:`, '    - location: a.sh'))).toEqual(
      expect.objectContaining({ key: `hooks.${hook}`, reason: 'is run by the system and takes no scripts' }),
    );
  });

  it.each(['BeforeStart', 'applicationstop'])('refuses the unknown hook %s', (hook) => {
    const error = refused(linux('hooks:', `  ${hook}:`, '    - location: a.sh'));
    expect(error.key).toBe(`hooks.${hook}`);
    expect(error.reason).toContain('is not a lifecycle event that takes scripts');
  });

  it('ignores empty hook values and an empty hooks key', () => {
    expect(parsed(linux('hooks:', '  ApplicationStop:', '  BeforeInstall: []')).hooks).toEqual({});
    expect(parsed(linux('hooks:')).hooks).toEqual({});
  });

  it('keeps scripts in order and lists hooks in lifecycle order', () => {
    const spec = parsed(
      linux(
        'hooks:',
        '  ValidateService:',
        '    - location: check.sh',
        '  ApplicationStop:',
        '    - location: first.sh',
        '      timeout: 60',
        '    - location: second.sh',
        '      timeout: 1.5',
      ),
    );
    expect(Object.keys(spec.hooks)).toEqual(['ApplicationStop', 'ValidateService']);
    expect(spec.hooks.ApplicationStop?.map((s) => [s.location, s.timeoutSeconds])).toEqual([
      ['first.sh', 60],
      ['second.sh', 1.5],
    ]);
  });

  it.each([
    ['[{runas: root}]', '[0].location', 'specifies a script with no location value'],
    ['[{location: }]', '[0].location', 'specifies a script with no location value'],
    ['[{location: ""}]', '[0].location', 'specifies a script with no location value'],
    ['[null]', '[0]', 'specifies a script with no location value'],
    ['scripts/stop.sh', '', 'must be a list of scripts'],
    ['[{location: a.sh, timeout: 0}]', '[0].timeout', 'must be a positive number of seconds'],
    ['[{location: a.sh, timeout: -5}]', '[0].timeout', 'must be a positive number of seconds'],
    ['[{location: a.sh, timeout: soon}]', '[0].timeout', 'must be a positive number of seconds'],
    ['[{location: a.sh, timeout: .inf}]', '[0].timeout', 'must be a positive number of seconds'],
    ['[{location: a.sh, runas: ""}]', '[0].runas', 'must be a user name'],
  ])('refuses ApplicationStop: %s', (scripts, keySuffix, reason) => {
    const error = refused(linux(`hooks: {ApplicationStop: ${scripts}}`));
    expect(error).toMatchObject({ key: `hooks.ApplicationStop${keySuffix}`, reason });
  });

  it.each([
    [[3600], true],
    [[1800, 1800], true],
    [[3000, 601], false],
    [[3600, 1], false],
  ])('with script timeouts %j, accepts the event: %s', (timeouts, accepted) => {
    const scripts = timeouts.flatMap((timeout, index) => [`    - location: s${index}.sh`, `      timeout: ${timeout}`]);
    const result = parse(linux('hooks:', '  AfterInstall:', ...scripts));
    expect(result.ok).toBe(accepted);
    if (!result.ok) {
      expect(result.error.key).toBe('hooks.AfterInstall');
      expect(result.error.reason).toContain(`add up to ${timeouts.reduce((a, b) => a + b, 0)} s`);
    }
  });

  it('counts the default timeout of 3600 s toward the event limit', () => {
    const error = refused(linux('hooks: {AfterInstall: [{location: a.sh}, {location: b.sh, timeout: 1}]}'));
    expect(error.key).toBe('hooks.AfterInstall');
  });
});
