import { existsSync } from 'node:fs';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/harness/hostile-archives.js';
import { pruneOldRevisions, selectRevisionsToPrune } from './retention.js';

describe('selectRevisionsToPrune', () => {
  const revisions = [
    { path: '/g/d3', mtimeMs: 3000 },
    { path: '/g/d1', mtimeMs: 1000 },
    { path: '/g/d5', mtimeMs: 5000 },
    { path: '/g/d2', mtimeMs: 2000 },
    { path: '/g/d4', mtimeMs: 4000 },
  ];

  it.each([
    ['nothing when there are no more than keep', 5, [], []],
    ['the oldest beyond keep, oldest first', 3, [], ['/g/d1', '/g/d2']],
    ['around a protected old revision, which still counts', 2, ['/g/d2', '/g/d5'], ['/g/d1', '/g/d3', '/g/d4']],
    ['every unprotected one when keep is 0', 0, ['/g/d4'], ['/g/d1', '/g/d2', '/g/d3', '/g/d5']],
    ['newer unprotected ones when the oldest are protected', 3, ['/g/d1', '/g/d2'], ['/g/d3', '/g/d4']],
    ['every unprotected one when more than keep are protected', 1, ['/g/d1', '/g/d2'], ['/g/d3', '/g/d4', '/g/d5']],
  ])('removes %s', (_, keep, protect, expected) => {
    expect(selectRevisionsToPrune(revisions, keep, protect)).toEqual(expected);
  });

  it('breaks ties in age by path', () => {
    const same = [{ path: '/g/b', mtimeMs: 1 }, { path: '/g/a', mtimeMs: 1 }, { path: '/g/c', mtimeMs: 1 }];
    expect(selectRevisionsToPrune(same, 1, [])).toEqual(['/g/a', '/g/b']);
  });

  it('rejects a negative or fractional keep', () => {
    expect(() => selectRevisionsToPrune(revisions, -1, [])).toThrow(RangeError);
    expect(() => selectRevisionsToPrune(revisions, 1.5, [])).toThrow(RangeError);
  });
});

describe('pruneOldRevisions', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(() => tmp.remove());

  async function revision(name: string, ageSeconds: number): Promise<string> {
    const dir = join(tmp.dir, name);
    await mkdir(join(dir, 'deployment-archive'), { recursive: true });
    await writeFile(join(dir, 'bundle'), name);
    const when = new Date(Date.UTC(2024, 0, 1) - ageSeconds * 1000);
    await utimes(dir, when, when);
    return dir;
  }

  it('removes the oldest revision directories, never a protected one, and ignores plain files', async () => {
    const current = await revision('d-current', 0);
    await revision('d-newer', 10);
    const lastGood = await revision('d-last-good', 30);
    const middle = await revision('d-middle', 20);
    const oldest = await revision('d-oldest', 40);
    await writeFile(join(tmp.dir, 'stray-file'), '');

    const removed = await pruneOldRevisions({ groupDir: tmp.dir, keep: 3, protect: [current, `${lastGood}/`] });

    expect(removed).toEqual([oldest, middle]);
    expect((await readdir(tmp.dir)).sort()).toEqual(['d-current', 'd-last-good', 'd-newer', 'stray-file']);
    expect(existsSync(join(lastGood, 'bundle'))).toBe(true);
  });

  it('returns nothing for a group with no directory yet', async () => {
    expect(await pruneOldRevisions({ groupDir: join(tmp.dir, 'missing'), keep: 1, protect: [] })).toEqual([]);
  });
});
