import { existsSync } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyInstallPlan } from './apply.js';
import { parseCleanupList } from './cleanup-list.js';
import { runCleanup } from './cleanup.js';
import type { InstallPlan } from './plan.js';

let dir: string;
let bundle: string;
let host: string;
let cleanupFile: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baton-apply-'));
  bundle = path.join(dir, 'bundle');
  host = path.join(dir, 'host');
  cleanupFile = path.join(dir, 'deployment-instructions', 'group-1-cleanup');
  await mkdir(bundle);
  await mkdir(host);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b = (...parts: string[]) => path.join(bundle, ...parts);
const h = (...parts: string[]) => path.join(host, ...parts);
const recorded = async () => parseCleanupList(await readFile(cleanupFile, 'utf8'));

describe('applyInstallPlan', () => {
  it('creates directories, files and symlinks in order, recording each in a fresh cleanup list', async () => {
    await writeFile(b('run.sh'), '#!/bin/sh\n');
    await chmod(b('run.sh'), 0o750);
    const past = new Date('2020-01-02T03:04:05.678Z');
    await utimes(b('run.sh'), past, past);
    await symlink('run.sh', b('start'));
    await mkdir(path.dirname(cleanupFile));
    await writeFile(cleanupFile, '/from/a/previous/install\n');
    const plan: InstallPlan = {
      steps: [
        { kind: 'mkdir', target: h('app') },
        { kind: 'mkdir', target: h('app', 'bin'), mode: 0o711 },
        { kind: 'copy-file', source: b('run.sh'), target: h('app', 'bin', 'run.sh'), replace: false },
        { kind: 'copy-symlink', source: b('start'), target: h('app', 'bin', 'start'), replace: false },
      ],
    };

    const { created } = await applyInstallPlan(plan, cleanupFile);

    expect(created).toEqual([h('app'), h('app', 'bin'), h('app', 'bin', 'run.sh'), h('app', 'bin', 'start')]);
    expect(await recorded()).toEqual(created);
    expect((await stat(h('app', 'bin'))).mode & 0o7777).toBe(0o711);
    const copied = await stat(h('app', 'bin', 'run.sh'));
    expect(copied.mode & 0o7777).toBe(0o750);
    expect(copied.mtime.getTime()).toBe(past.getTime());
    expect(await readFile(h('app', 'bin', 'run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect((await lstat(h('app', 'bin', 'start'))).isSymbolicLink()).toBe(true);
    expect(await readlink(h('app', 'bin', 'start'))).toBe('run.sh');
  });

  it('replaces an existing file with a new one when the plan says so', async () => {
    await writeFile(b('config.json'), '{"v":2}');
    await writeFile(h('config.json'), '{"v":1}');
    // A second name for the old inode stands for a process that still has the old file open.
    await link(h('config.json'), h('held-open'));
    const plan: InstallPlan = {
      steps: [{ kind: 'copy-file', source: b('config.json'), target: h('config.json'), replace: true }],
    };

    const { created } = await applyInstallPlan(plan, cleanupFile);

    expect(created).toEqual([h('config.json')]);
    expect(await readFile(h('config.json'), 'utf8')).toBe('{"v":2}');
    expect(await readFile(h('held-open'), 'utf8')).toBe('{"v":1}');
  });

  it('leaves a partial install cleanable when a step fails', async () => {
    await writeFile(b('a.txt'), 'a');
    const plan: InstallPlan = {
      steps: [
        { kind: 'mkdir', target: h('app') },
        { kind: 'copy-file', source: b('a.txt'), target: h('app', 'a.txt'), replace: false },
        { kind: 'copy-file', source: b('vanished.txt'), target: h('app', 'vanished.txt'), replace: false },
        { kind: 'copy-file', source: b('a.txt'), target: h('app', 'never.txt'), replace: false },
      ],
    };

    await expect(applyInstallPlan(plan, cleanupFile)).rejects.toThrow(`installing ${h('app', 'vanished.txt')} failed`);
    expect(await recorded()).toEqual([h('app'), h('app', 'a.txt'), h('app', 'vanished.txt')]);

    await runCleanup(cleanupFile);
    expect(existsSync(h('app'))).toBe(false);
  });
});
