import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '@baton/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostileBundleCases, makeTempDir, writeBundle } from '../../../../test/harness/hostile-archives.js';
import { inspectArchive } from './inspect-archive.js';

let tmp: { dir: string; remove: () => Promise<void> };
let archive: string;
beforeEach(async () => {
  tmp = await makeTempDir('baton-inspect-');
  archive = join(tmp.dir, 'bundle');
});
afterEach(() => tmp.remove());

describe('inspectArchive accepts honest bundles', () => {
  it.each(['tar', 'tgz', 'zip'] as const)('%s: files, directories, internal links and set-id bits (which the agent strips)', async (bundleType) => {
    await writeBundle(archive, bundleType, [
      { path: 'appspec.yml', content: 'version: 0.0\nos: linux\n' },
      { path: 'app', type: 'directory', mode: 0o2775 },
      { path: 'app/run.sh', content: '#!/bin/sh\n', mode: 0o4755 },
      { path: 'current', type: 'symlink', target: 'app' },
    ]);

    // A zip symlink's target is its data, and counts.
    const unpackedBytes = bundleType === 'zip' ? 36 : 33;
    expect(await inspectArchive(archive, bundleType, DEFAULT_ARCHIVE_LIMITS)).toEqual({ ok: true, value: { entries: 4, unpackedBytes } });
  });
});

describe('inspectArchive refuses hostile bundles by the rules the agent applies', () => {
  it.each(hostileBundleCases())('$bundleType: $bundle.name', async ({ bundleType, bundle, write }) => {
    await write(archive);

    const result = await inspectArchive(archive, bundleType, DEFAULT_ARCHIVE_LIMITS);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(bundle.message);
  });
});

describe('inspectArchive refuses bombs from their headers', () => {
  const entries = ['1', '2', '3', '4'].map((name) => ({ path: name, content: name.repeat(1000) }));
  const cases: [string, Partial<ArchiveLimits>, RegExp][] = [
    ['too many entries', { maxEntries: 3 }, /^bundle has more than 3 entries$/],
    ['too many unpacked bytes', { maxUnpackedBytes: 2500 }, /^bundle unpacks to more than 2500 bytes \(reached at entry "3"\)$/],
  ];
  const formats = ['tar', 'tgz', 'zip'] as const;

  it.each(formats.flatMap((bundleType) => cases.map(([name, limits, message]) => ({ bundleType, name, limits, message }))))(
    '$bundleType: $name',
    async ({ bundleType, limits, message }) => {
      await writeBundle(archive, bundleType, entries);

      const result = await inspectArchive(archive, bundleType, { ...DEFAULT_ARCHIVE_LIMITS, ...limits });

      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(message) });
    },
  );

  it.each(['tgz', 'zip'] as const)('%s: compressing better than the ratio allows', async (bundleType) => {
    // 65 MiB of zeros: past the 64 MiB floor below which no ratio is enforced; about 1000:1 compressed.
    await writeBundle(archive, bundleType, [{ path: 'zeros', content: '\0'.repeat(65 * 1024 ** 2) }]);

    const result = await inspectArchive(archive, bundleType, DEFAULT_ARCHIVE_LIMITS);

    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^bundle unpacks to more than 300 times its archive's \d+ bytes \(reached at entry "zeros"\)$/) });
  });
});

describe('inspectArchive refuses what is not an archive of its type', () => {
  it.each([
    ['tgz', /^the bundle is not a readable tar archive/],
    ['zip', /^the bundle is not a readable zip archive/],
  ] as const)('%s', async (bundleType, message) => {
    await writeFile(archive, 'this is not an archive at all'.repeat(40));

    expect(await inspectArchive(archive, bundleType, DEFAULT_ARCHIVE_LIMITS)).toMatchObject({ ok: false, error: expect.stringMatching(message) });
  });

  it('refuses an empty archive', async () => {
    await writeBundle(archive, 'zip', []);

    expect(await inspectArchive(archive, 'zip', DEFAULT_ARCHIVE_LIMITS)).toEqual({ ok: false, error: 'the zip archive holds no entries' });
  });
});
