import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../test/harness/hostile-archives.js';
import { sha256OfFile } from './digest.js';

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  tmp = await makeTempDir();
});
afterEach(() => tmp.remove());

describe('sha256OfFile', () => {
  it('gives the well-known digest of an empty file', async () => {
    const path = join(tmp.dir, 'empty');
    await writeFile(path, '');
    expect(await sha256OfFile(path)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('digests a file larger than one read chunk, in lowercase hex', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'baton');
    const path = join(tmp.dir, 'large');
    await writeFile(path, content);
    expect(await sha256OfFile(path)).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('throws for a missing file', async () => {
    await expect(sha256OfFile(join(tmp.dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
