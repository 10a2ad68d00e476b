import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileExistsBehavior } from '@baton/shared';
import { planInstall, type InstallStep } from './plan.js';

let dir: string;
let bundle: string;
let host: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baton-plan-'));
  bundle = path.join(dir, 'bundle');
  host = path.join(dir, 'host');
  await mkdir(path.join(bundle, 'web', 'static'), { recursive: true, mode: 0o750 });
  await mkdir(path.join(bundle, 'scripts'), { recursive: true });
  await mkdir(host);
  await writeFile(path.join(bundle, 'appspec.yml'), 'version: 0.0\n');
  await writeFile(path.join(bundle, 'web', 'index.html'), '<h1>v2</h1>');
  await writeFile(path.join(bundle, 'web', 'static', 'app.js'), 'run()');
  await writeFile(path.join(bundle, 'scripts', 'start.sh'), '#!/bin/sh\n');
  await symlink('index.html', path.join(bundle, 'web', 'home.html'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b = (...parts: string[]) => path.join(bundle, ...parts);
const h = (...parts: string[]) => path.join(host, ...parts);

async function plan(
  files: { source: string; destination: string }[],
  fileExistsBehavior: FileExistsBehavior = 'DISALLOW',
) {
  return planInstall({ bundleRoot: bundle, files, fileExistsBehavior, filesRoot: host });
}

function targets(steps: readonly InstallStep[]): string[] {
  return steps.map((step) => `${step.kind} ${path.relative(host, step.target)}`);
}

describe('planInstall', () => {
  it('puts a file source at destination/<basename>, creating missing ancestors outermost first', async () => {
    const result = await plan([{ source: 'scripts/start.sh', destination: '/opt/tools' }]);
    expect(result.ok && targets(result.value.steps)).toEqual([
      'mkdir opt',
      'mkdir opt/tools',
      'copy-file opt/tools/start.sh',
    ]);
    expect(result.ok && result.value.steps[2]).toEqual({
      kind: 'copy-file',
      source: b('scripts', 'start.sh'),
      target: h('opt', 'tools', 'start.sh'),
      replace: false,
    });
  });

  it('copies the contents of a directory source, keeping the bundle mode of the directories it mirrors', async () => {
    const result = await plan([{ source: 'web', destination: '/srv/app' }]);
    expect(result.ok && targets(result.value.steps)).toEqual([
      'mkdir srv',
      'mkdir srv/app',
      'copy-symlink srv/app/home.html',
      'copy-file srv/app/index.html',
      'mkdir srv/app/static',
      'copy-file srv/app/static/app.js',
    ]);
    const staticDir = result.ok ? result.value.steps.find((s) => s.target === h('srv', 'app', 'static')) : undefined;
    expect(staticDir).toEqual({ kind: 'mkdir', target: h('srv', 'app', 'static'), mode: 0o750 });
    const ancestor = result.ok ? result.value.steps[0] : undefined;
    expect(ancestor).toEqual({ kind: 'mkdir', target: h('srv') });
  });

  it('takes "/" as the whole bundle, appspec included', async () => {
    const result = await plan([{ source: '/', destination: '/srv/app' }]);
    expect(result.ok && targets(result.value.steps)).toContain('copy-file srv/app/appspec.yml');
    expect(result.ok && targets(result.value.steps)).toContain('copy-file srv/app/scripts/start.sh');
  });

  it('merges into directories that exist, neither creating nor recording them', async () => {
    await mkdir(h('srv', 'app', 'static'), { recursive: true });
    const result = await plan([{ source: 'web', destination: '/srv/app' }]);
    expect(result.ok && targets(result.value.steps)).toEqual([
      'copy-symlink srv/app/home.html',
      'copy-file srv/app/index.html',
      'copy-file srv/app/static/app.js',
    ]);
  });

  it('merges into a destination directory reached through a symlink', async () => {
    await mkdir(h('srv', 'app-v1'), { recursive: true });
    await symlink('app-v1', h('srv', 'app'));
    const result = await plan([{ source: 'scripts', destination: '/srv/app' }]);
    expect(result.ok && targets(result.value.steps)).toEqual(['copy-file srv/app/start.sh']);
  });

  it('fails under DISALLOW on an existing file, naming it and the likely causes', async () => {
    await mkdir(h('srv', 'app'), { recursive: true });
    await writeFile(h('srv', 'app', 'index.html'), 'placed by hand');
    const result = await plan([{ source: 'web', destination: '/srv/app' }]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(
      `a specified file already exists at this location: ${h('srv', 'app', 'index.html')}`,
    );
    expect(!result.ok && result.error).toMatch(/another deployment group.*by hand/);
  });

  it('counts a dangling symlink as an existing file', async () => {
    await mkdir(h('srv', 'app'), { recursive: true });
    await symlink('nowhere', h('srv', 'app', 'index.html'));
    const result = await plan([{ source: 'web', destination: '/srv/app' }]);
    expect(!result.ok && result.error).toContain('already exists');
  });

  it('replaces existing files under OVERWRITE and skips them under RETAIN', async () => {
    await mkdir(h('srv', 'app'), { recursive: true });
    await writeFile(h('srv', 'app', 'index.html'), 'v1');
    const overwrite = await plan([{ source: 'web', destination: '/srv/app' }], 'OVERWRITE');
    const retain = await plan([{ source: 'web', destination: '/srv/app' }], 'RETAIN');
    const indexStep = (steps: readonly InstallStep[]) => steps.find((s) => s.target === h('srv', 'app', 'index.html'));
    expect(overwrite.ok && indexStep(overwrite.value.steps)).toMatchObject({ kind: 'copy-file', replace: true });
    expect(retain.ok && indexStep(retain.value.steps)).toBeUndefined();
    expect(retain.ok && targets(retain.value.steps)).toContain('copy-file srv/app/static/app.js');
  });

  it('names a source that is not in the bundle', async () => {
    const result = await plan([{ source: 'missing/config.json', destination: '/etc/app' }]);
    expect(!result.ok && result.error).toContain('"missing/config.json", which does not exist in the bundle');
  });

  it('refuses to overwrite a directory with a file, or to install into a file', async () => {
    await mkdir(h('opt', 'tools', 'start.sh'), { recursive: true });
    await writeFile(h('srv'), 'a file where a directory is needed');
    const overwrite = await plan([{ source: 'scripts/start.sh', destination: '/opt/tools' }], 'OVERWRITE');
    const into = await plan([{ source: 'web', destination: '/srv/app' }], 'OVERWRITE');
    const directory = h('opt', 'tools', 'start.sh');
    expect(!overwrite.ok && overwrite.error).toContain(`cannot overwrite the directory ${directory}`);
    expect(!into.ok && into.error).toContain(`cannot install into ${h('srv')}: it exists and is not a directory`);
  });

  it('refuses two sources for one target', async () => {
    const result = await plan([
      { source: 'web/index.html', destination: '/srv/app' },
      { source: 'web', destination: '/srv/app' },
    ]);
    expect(!result.ok && result.error).toContain(`at ${h('srv', 'app', 'index.html')}; remove one of them`);
  });

  it('resolves sources inside the bundle only', async () => {
    await writeFile(path.join(dir, 'secret'), 'outside the bundle');
    const result = await plan([{ source: '../secret', destination: '/srv' }]);
    expect(!result.ok && result.error).toContain('does not exist in the bundle');
  });

  it('writes nothing while planning', async () => {
    await plan([{ source: '/', destination: '/srv/app' }]);
    expect(await readdir(host)).toEqual([]);
  });
});
