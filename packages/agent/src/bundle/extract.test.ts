import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, link, utimes, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { create } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '@baton/shared';
import { hostileBundleCases, makeTempDir, writeBundle, writeRawTar, writeZip } from '../../../../test/harness/hostile-archives.js';
import { extractBundle } from './extract.js';

const MTIME = new Date('2023-06-15T08:30:42Z');

let tmp: { dir: string; remove: () => Promise<void> };
let destDir: string;
beforeEach(async () => {
  tmp = await makeTempDir();
  // Three levels deep, so an entry climbing out with "../../../" would land inside tmp, where we look for it.
  destDir = join(tmp.dir, 'a', 'b', 'dest');
});
afterEach(() => tmp.remove());

/** Every path under tmp, relative to it. */
async function listTree(dir = tmp.dir): Promise<string[]> {
  const found: string[] = [];
  for (const dirent of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name);
    found.push(relative(tmp.dir, path));
    if (dirent.isDirectory()) found.push(...(await listTree(path)));
  }
  return found.sort();
}

async function buildSourceTree(root: string): Promise<void> {
  await mkdir(join(root, 'app', 'bin'), { recursive: true });
  await mkdir(join(root, 'app', 'config', 'nested', 'deeper'), { recursive: true });
  await writeFile(join(root, 'appspec.yml'), 'version: 0.0\nos: linux\n');
  await writeFile(join(root, 'app', 'bin', 'start.sh'), '#!/bin/sh\necho started\n');
  await chmod(join(root, 'app', 'bin', 'start.sh'), 0o755);
  await writeFile(join(root, 'app', 'config', 'nested', 'deeper', 'settings.json'), '{"a":1}');
  await chmod(join(root, 'app', 'config', 'nested', 'deeper', 'settings.json'), 0o640);
  await symlink('config/nested/deeper/settings.json', join(root, 'app', 'settings.json'));
  await symlink('app/bin', join(root, 'current'));
  await symlink('../bin/start.sh', join(root, 'app', 'config', 'start-link'));
  await link(join(root, 'appspec.yml'), join(root, 'appspec.hardlink'));
  for (const path of ['appspec.yml', 'app/bin/start.sh', 'app/config/nested/deeper/settings.json']) {
    await utimes(join(root, path), MTIME, MTIME);
  }
}

async function expectSourceTree(root: string): Promise<void> {
  expect(await readFile(join(root, 'app', 'bin', 'start.sh'), 'utf8')).toBe('#!/bin/sh\necho started\n');
  expect((await stat(join(root, 'app', 'bin', 'start.sh'))).mode & 0o7777).toBe(0o755);
  expect((await stat(join(root, 'app', 'config', 'nested', 'deeper', 'settings.json'))).mode & 0o7777).toBe(0o640);
  expect((await stat(join(root, 'app', 'bin', 'start.sh'))).mtime.getTime()).toBe(MTIME.getTime());
  expect(await readlink(join(root, 'app', 'settings.json'))).toBe('config/nested/deeper/settings.json');
  expect(await readFile(join(root, 'app', 'settings.json'), 'utf8')).toBe('{"a":1}');
  expect(await readlink(join(root, 'current'))).toBe('app/bin');
  expect(await readFile(join(root, 'app', 'config', 'start-link'), 'utf8')).toBe('#!/bin/sh\necho started\n');
}

describe('extractBundle with honest bundles', () => {
  it.each(['tar', 'tgz'] as const)('unpacks a %s made by tar, keeping modes, mtimes, symlinks and hard links', async (bundleType) => {
    const source = join(tmp.dir, 'source');
    await buildSourceTree(source);
    const archive = join(tmp.dir, `bundle.${bundleType}`);
    await create({ file: archive, cwd: source, gzip: bundleType === 'tgz', portable: false }, ['.']);

    const result = await extractBundle(archive, bundleType, destDir);

    expect(result).toEqual({ ok: true, value: { entries: expect.any(Number) } });
    await expectSourceTree(destDir);
    const [spec, hardlinked] = await Promise.all([stat(join(destDir, 'appspec.yml')), stat(join(destDir, 'appspec.hardlink'))]);
    expect(hardlinked.ino).toBe(spec.ino);
    expect(existsSync(`${destDir}.partial`)).toBe(false);
  });

  it('unpacks a zip with nested directories, exec bits, internal symlinks and mtimes', async () => {
    const archive = join(tmp.dir, 'bundle.zip');
    await writeZip(archive, [
      { path: 'appspec.yml', content: 'version: 0.0\n' },
      { path: 'app/', type: 'directory' },
      { path: 'app/bin/start.sh', content: '#!/bin/sh\necho started\n', mode: 0o755, mtime: MTIME },
      { path: 'app/config/nested/deeper/settings.json', content: '{"a":1}', mode: 0o640 },
      { path: 'app/settings.json', type: 'symlink', target: 'config/nested/deeper/settings.json' },
      { path: 'current', type: 'symlink', target: 'app/bin' },
      { path: 'app/config/start-link', type: 'symlink', target: '../bin/start.sh' },
    ]);

    const result = await extractBundle(archive, 'zip', destDir);

    expect(result).toEqual({ ok: true, value: { entries: 7 } });
    await expectSourceTree(destDir);
    expect((await lstat(join(destDir, 'current'))).isSymbolicLink()).toBe(true);
  });

  it("gives files to the agent's user, not to the uid recorded in the archive", async () => {
    const archive = join(tmp.dir, 'bundle.tar');
    await writeRawTar(archive, [{ path: 'owned.txt', content: 'mine' }]); // recorded as uid/gid 1234

    expect((await extractBundle(archive, 'tar', destDir)).ok).toBe(true);

    const owned = await stat(join(destDir, 'owned.txt'));
    expect([owned.uid, owned.gid]).toEqual([process.getuid?.(), process.getgid?.()]);
  });

  it('replaces an existing destination and a leftover partial directory', async () => {
    await mkdir(join(destDir, 'stale'), { recursive: true });
    await mkdir(`${destDir}.partial/leftover`, { recursive: true });
    const archive = join(tmp.dir, 'bundle.tgz');
    await writeRawTar(archive, [{ path: 'fresh.txt', content: 'new' }], { gzip: true });

    expect((await extractBundle(archive, 'tgz', destDir)).ok).toBe(true);

    expect(await readdir(destDir)).toEqual(['fresh.txt']);
    expect(existsSync(`${destDir}.partial`)).toBe(false);
  });
});

describe('extractBundle refuses a whole bundle with one unsafe entry, writing nothing', () => {
  it.each(hostileBundleCases())('$bundleType: $bundle.name', async ({ bundleType, bundle, write }) => {
    const archive = join(tmp.dir, 'bundle');
    await write(archive);

    const result = await extractBundle(archive, bundleType, destDir);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(bundle.code);
    expect(result.error.message).toContain(bundle.message);
    expect(await listTree()).toEqual(['a', 'a/b', 'bundle']);
    expect(existsSync('/etc/baton-evil')).toBe(false);
    expect(existsSync('/tmp/baton-evil-absolute')).toBe(false);
  });
});

describe('extractBundle strips set-id bits', () => {
  it.each(['tar', 'tgz', 'zip'] as const)('%s: a set-uid file and a set-gid directory unpack without them', async (bundleType) => {
    const archive = join(tmp.dir, 'bundle');
    await writeBundle(archive, bundleType, [
      { path: 'shared', type: 'directory', mode: 0o2775 },
      { path: 'shared/su', content: '#!/bin/sh\n', mode: 0o4755 },
      { path: 'sticky', type: 'directory', mode: 0o1777 },
    ]);

    expect((await extractBundle(archive, bundleType, destDir)).ok).toBe(true);

    const modes = await Promise.all(['shared', 'shared/su', 'sticky'].map(async (path) => (await stat(join(destDir, path))).mode & 0o7777));
    expect(modes).toEqual([0o775, 0o755, 0o1777]);
  });
});

describe('extractBundle refuses corrupt archives and oversized ones', () => {
  it.each([
    ['tar', false],
    ['tgz', true],
  ] as const)('refuses a truncated %s', async (bundleType, gzip) => {
    const archive = join(tmp.dir, 'bundle');
    await writeRawTar(archive, [{ path: 'big.txt', content: 'x'.repeat(5000) }, { path: 'other.txt', content: 'y' }], { gzip });
    const whole = await readFile(archive);
    await writeFile(archive, whole.subarray(0, Math.floor(whole.length / 2)));

    const result = await extractBundle(archive, bundleType, destDir);

    expect(result).toMatchObject({ ok: false, error: { code: 'CORRUPT_ARCHIVE' } });
    expect(await listTree()).toEqual(['a', 'a/b', 'bundle']);
  });

  it.each(['tgz', 'zip'] as const)('refuses bytes that are not a %s', async (bundleType) => {
    const archive = join(tmp.dir, 'bundle');
    await writeFile(archive, 'this is not an archive at all'.repeat(40));

    const result = await extractBundle(archive, bundleType, destDir);

    expect(result).toMatchObject({ ok: false, error: { code: 'CORRUPT_ARCHIVE' } });
    expect(existsSync(destDir)).toBe(false);
  });

  it('refuses a zip whose file data is damaged, removing what it had written', async () => {
    const archive = join(tmp.dir, 'bundle');
    await writeZip(archive, [
      { path: 'first.txt', content: 'written before the damage is found' },
      { path: 'second.txt', content: 'y'.repeat(2000) },
    ]);
    const bytes = await readFile(archive);
    const dataStart = bytes.indexOf('second.txt') + 'second.txt'.length;
    bytes.fill(0xff, dataStart, dataStart + 8);
    await writeFile(archive, bytes);

    const result = await extractBundle(archive, 'zip', destDir);

    expect(result).toMatchObject({ ok: false, error: { code: 'CORRUPT_ARCHIVE' } });
    expect(await listTree()).toEqual(['a', 'a/b', 'bundle']);
  });

  it.each(['tgz', 'zip'] as const)('refuses a %s with more entries than allowed', async (bundleType) => {
    const archive = join(tmp.dir, 'bundle');
    const entries = ['1', '2', '3', '4'].map((name) => ({ path: name, content: name }));
    await (bundleType === 'zip' ? writeZip(archive, entries) : writeRawTar(archive, entries, { gzip: true }));

    const result = await extractBundle(archive, bundleType, destDir, { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 3 });

    expect(result).toEqual({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: 'bundle has more than 3 entries' } });
    expect(existsSync(destDir)).toBe(false);
  });

  it.each(['tgz', 'zip'] as const)('refuses a %s that unpacks to more bytes than allowed', async (bundleType) => {
    const archive = join(tmp.dir, 'bundle');
    const entries = [{ path: 'small', content: 'x' }, { path: 'bomb', content: '0'.repeat(4096) }];
    await (bundleType === 'zip' ? writeZip(archive, entries) : writeRawTar(archive, entries, { gzip: true }));

    const result = await extractBundle(archive, bundleType, destDir, { ...DEFAULT_ARCHIVE_LIMITS, maxUnpackedBytes: 4000 });

    expect(result).toEqual({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: 'bundle unpacks to more than 4000 bytes (reached at entry "bomb")' },
    });
    expect(existsSync(destDir)).toBe(false);
  });

  it.each(['tar', 'tgz', 'zip'] as const)('refuses a %s that compresses better than the ratio allows, from its headers', async (bundleType) => {
    const archive = join(tmp.dir, 'bundle');
    // 65 MiB of zeros: past the floor below which no ratio is enforced, and about 1000:1 in tgz and zip.
    await writeBundle(archive, bundleType, [{ path: 'zeros', content: '\0'.repeat(65 * 1024 ** 2) }]);
    const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxCompressionRatio: bundleType === 'tar' ? 0.5 : 100 };

    const result = await extractBundle(archive, bundleType, destDir, limits);

    expect(result).toMatchObject({ ok: false, error: { code: 'LIMIT_EXCEEDED' } });
    if (!result.ok) expect(result.error.message).toMatch(/^bundle unpacks to more than [\d.]+ times its archive's \d+ bytes \(reached at entry "zeros"\)$/);
    expect(existsSync(destDir)).toBe(false);
  });
});
