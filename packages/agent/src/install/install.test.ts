import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSpec, FileExistsBehavior } from '@baton/shared';
import { parseCleanupList } from './cleanup-list.js';
import { cleanupListPath, readInstallRecord } from './install-records.js';
import { installRevision, resolveFileExistsBehavior } from './install.js';

let dir: string;
let deploymentRoot: string;
let host: string;
const groupId = 'dg-1';
const h = (...parts: string[]) => path.join(host, ...parts);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baton-install-'));
  deploymentRoot = path.join(dir, 'deployment-root');
  host = path.join(dir, 'host');
  await mkdir(host);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Unpacks a revision: `files` maps bundle paths to contents. */
async function revision(deploymentId: string, files: Record<string, string>) {
  const deploymentDir = path.join(deploymentRoot, groupId, deploymentId);
  const bundleRoot = path.join(deploymentDir, 'deployment-archive');
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(bundleRoot, name)), { recursive: true });
    await writeFile(path.join(bundleRoot, name), contents);
  }
  return { deploymentDir, bundleRoot };
}

function install(
  unpacked: { deploymentDir: string; bundleRoot: string },
  appSpec: Partial<AppSpec>,
  fileExistsBehavior?: FileExistsBehavior,
) {
  return installRevision({
    deploymentRoot,
    groupId,
    ...unpacked,
    appSpec: { files: [], permissions: [], ...appSpec },
    ...(fileExistsBehavior === undefined ? {} : { fileExistsBehavior }),
    filesRoot: host,
  });
}

const lastSuccessful = () => readInstallRecord(deploymentRoot, groupId, 'last_successful_install');
const cleanupList = async () => parseCleanupList(await readFile(cleanupListPath(deploymentRoot, groupId), 'utf8'));

describe('installRevision', () => {
  it('copies the revision, applies permissions, keeps a cleanup list and records the install', async () => {
    const v1 = await revision('d-1', { 'appspec.yml': 'version: 0.0', 'web/index.html': 'v1', 'bin/start.sh': 'run' });
    const result = await install(v1, {
      files: [
        { source: 'web', destination: '/srv/app/public' },
        { source: 'bin/start.sh', destination: '/usr/local/bin' },
      ],
      permissions: [{ object: '/srv/app', pattern: '**', except: [], acls: [], mode: '0755', type: ['file'] }],
    });

    expect(result).toEqual({ ok: true, value: undefined });
    expect(await readFile(h('srv', 'app', 'public', 'index.html'), 'utf8')).toBe('v1');
    expect((await stat(h('srv', 'app', 'public', 'index.html'))).mode & 0o777).toBe(0o755);
    expect(await readFile(h('usr', 'local', 'bin', 'start.sh'), 'utf8')).toBe('run');
    const createdInOrder = [
      ...['srv', 'srv/app', 'srv/app/public', 'srv/app/public/index.html'],
      ...['usr', 'usr/local', 'usr/local/bin', 'usr/local/bin/start.sh'],
    ];
    expect(await cleanupList()).toEqual(createdInOrder.map((p) => h(p)));
    expect(await lastSuccessful()).toBe(v1.deploymentDir);
  });

  it('removes the previous install first, leaving what scripts created', async () => {
    const v1 = await revision('d-1', { 'old.txt': '1', 'data/seed.txt': '1' });
    expect((await install(v1, { files: [{ source: '/', destination: '/srv/app' }] })).ok).toBe(true);
    await writeFile(h('srv', 'app', 'data', 'written-by-a-hook.log'), 'keep');

    const v2 = await revision('d-2', { 'new.txt': '2' });
    expect((await install(v2, { files: [{ source: '/', destination: '/srv/app' }] })).ok).toBe(true);

    expect((await readdir(h('srv', 'app'))).sort()).toEqual(['data', 'new.txt']);
    expect(await readdir(h('srv', 'app', 'data'))).toEqual(['written-by-a-hook.log']);
    expect(await lastSuccessful()).toBe(v2.deploymentDir);
  });

  it('writes nothing when DISALLOW finds an existing file, and records no success', async () => {
    await mkdir(h('srv', 'app'), { recursive: true });
    await writeFile(h('srv', 'app', 'z-last.txt'), 'placed by hand');
    const v1 = await revision('d-1', { 'a-first.txt': '1', 'sub/b.txt': '1', 'z-last.txt': '1' });

    const result = await install(v1, { files: [{ source: '/', destination: '/srv/app' }] });

    expect(!result.ok && result.error).toContain(`already exists at this location: ${h('srv', 'app', 'z-last.txt')}`);
    expect(await readdir(h('srv', 'app'))).toEqual(['z-last.txt']);
    expect(await readFile(h('srv', 'app', 'z-last.txt'), 'utf8')).toBe('placed by hand');
    expect(await lastSuccessful()).toBeUndefined();
  });

  it('replaces and records under OVERWRITE (the deployment option when the appspec is silent)', async () => {
    await mkdir(h('srv', 'app'), { recursive: true });
    await writeFile(h('srv', 'app', 'config.json'), 'old');
    const v1 = await revision('d-1', { 'config.json': 'new' });

    const result = await install(v1, { files: [{ source: '/', destination: '/srv/app' }] }, 'OVERWRITE');

    expect(result.ok).toBe(true);
    expect(await readFile(h('srv', 'app', 'config.json'), 'utf8')).toBe('new');
    expect(await cleanupList()).toEqual([h('srv', 'app', 'config.json')]);
  });

  it('keeps existing files under RETAIN (the appspec value winning) and never removes them', async () => {
    await mkdir(h('srv', 'app'), { recursive: true });
    await writeFile(h('srv', 'app', 'config.json'), 'tuned by hand');
    const v1 = await revision('d-1', { 'config.json': 'default', 'app.js': '1' });
    const appSpec: Partial<AppSpec> = {
      files: [{ source: '/', destination: '/srv/app' }],
      fileExistsBehavior: 'RETAIN',
    };

    expect((await install(v1, appSpec, 'DISALLOW')).ok).toBe(true);
    expect(await readFile(h('srv', 'app', 'config.json'), 'utf8')).toBe('tuned by hand');
    expect(await cleanupList()).toEqual([h('srv', 'app', 'app.js')]);

    const v2 = await revision('d-2', {});
    expect((await install(v2, { files: [] })).ok).toBe(true);
    expect(await readdir(h('srv', 'app'))).toEqual(['config.json']);
  });

  it('fails on a bad permission without recording success, leaving the copies cleanable', async () => {
    const v1 = await revision('d-1', { 'app.js': '1' });
    const result = await install(v1, {
      files: [{ source: '/', destination: '/srv/app' }],
      permissions: [
        { object: '/srv/app', pattern: '**', except: [], acls: [], owner: 'no-such-user-baton', type: ['file'] },
      ],
    });

    expect(!result.ok && result.error).toContain('"no-such-user-baton", not a user on this host');
    expect(await lastSuccessful()).toBeUndefined();
    expect(await cleanupList()).toContain(h('srv', 'app', 'app.js'));

    const v2 = await revision('d-2', {});
    expect((await install(v2, {})).ok).toBe(true);
    expect(existsSync(h('srv'))).toBe(false);
  });
});

describe('resolveFileExistsBehavior', () => {
  it.each<[FileExistsBehavior | undefined, FileExistsBehavior | undefined, FileExistsBehavior]>([
    ['RETAIN', 'OVERWRITE', 'RETAIN'],
    [undefined, 'OVERWRITE', 'OVERWRITE'],
    [undefined, undefined, 'DISALLOW'],
  ])('appspec %s, deployment %s gives %s', (fromAppSpec, fromDeployment, expected) => {
    expect(resolveFileExistsBehavior(fromAppSpec, fromDeployment)).toBe(expected);
  });
});
