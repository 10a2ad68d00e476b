import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateAppSpec } from './appspec-location.js';
import { makeTempDir } from '../../../../test/harness/hostile-archives.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(() => tmp.remove());

async function layout(files: string[], dirs: string[] = []): Promise<void> {
  for (const dir of dirs) await mkdir(join(tmp.dir, dir), { recursive: true });
  for (const file of files) {
    await mkdir(join(tmp.dir, file, '..'), { recursive: true });
    await writeFile(join(tmp.dir, file), 'version: 0.0\n');
  }
}

describe('locateAppSpec', () => {
  it('finds appspec.yml at the root', async () => {
    await layout(['appspec.yml', 'scripts/start.sh']);
    expect(await locateAppSpec(tmp.dir)).toEqual({
      ok: true,
      value: { bundleRoot: tmp.dir, appSpecPath: join(tmp.dir, 'appspec.yml'), fileName: 'appspec.yml' },
    });
  });

  it('falls back to appspec.yaml, and prefers appspec.yml when both exist', async () => {
    await layout(['appspec.yaml']);
    expect(await locateAppSpec(tmp.dir)).toMatchObject({ ok: true, value: { fileName: 'appspec.yaml' } });
    await layout(['appspec.yml']);
    expect(await locateAppSpec(tmp.dir)).toMatchObject({ ok: true, value: { fileName: 'appspec.yml' } });
  });

  it('uses the only top-level directory as the bundle root when the appspec is inside it', async () => {
    await layout(['my-app/appspec.yaml', 'my-app/scripts/start.sh']);
    const bundleRoot = join(tmp.dir, 'my-app');
    expect(await locateAppSpec(tmp.dir)).toEqual({
      ok: true,
      value: { bundleRoot, appSpecPath: join(bundleRoot, 'appspec.yaml'), fileName: 'appspec.yaml' },
    });
  });

  it('does not look inside a top-level directory that has siblings', async () => {
    await layout(['my-app/appspec.yml', 'README.md']);
    expect(await locateAppSpec(tmp.dir)).toEqual({ ok: false, error: 'the bundle has no appspec.yml or appspec.yaml at its root' });
  });

  it('does not follow a lone top-level symlink', async () => {
    await layout(['elsewhere/appspec.yml']);
    const other = await makeTempDir();
    try {
      await symlink(join(tmp.dir, 'elsewhere'), join(other.dir, 'link'));
      expect((await locateAppSpec(other.dir)).ok).toBe(false);
    } finally {
      await other.remove();
    }
  });

  it('names both file names and the directory it searched when there is no appspec', async () => {
    await layout(['my-app/scripts/start.sh']);
    expect(await locateAppSpec(tmp.dir)).toEqual({
      ok: false,
      error: 'the bundle has no appspec.yml or appspec.yaml at its root or in its only top-level directory "my-app"',
    });
  });

  it('ignores a directory named appspec.yml', async () => {
    await layout([], ['appspec.yml', 'other']);
    expect((await locateAppSpec(tmp.dir)).ok).toBe(false);
  });
});
