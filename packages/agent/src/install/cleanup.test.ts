import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCleanup } from './cleanup.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baton-cleanup-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (...parts: string[]) => path.join(dir, ...parts);

describe('runCleanup', () => {
  it('removes entries newest first, keeping directories that are not empty', async () => {
    await mkdir(at('app', 'lib'), { recursive: true });
    await mkdir(at('app', 'logs'));
    await writeFile(at('app', 'lib', 'index.js'), 'x');
    await writeFile(at('app', 'logs', 'written-by-a-script.log'), 'x');
    await writeFile(at('outside.txt'), 'keep me');
    await symlink(at('outside.txt'), at('app', 'link'));
    const created = ['app', 'app/lib', 'app/lib/index.js', 'app/logs', 'app/link', 'app/gone.txt'].map((p) => at(p));
    await writeFile(at('list'), created.map((p) => `${p}\n`).join(''));

    await runCleanup(at('list'));

    expect(existsSync(at('app', 'lib'))).toBe(false);
    expect(existsSync(at('app', 'link'))).toBe(false);
    expect(existsSync(at('app', 'logs', 'written-by-a-script.log'))).toBe(true);
    expect(existsSync(at('app'))).toBe(true);
    expect(existsSync(at('outside.txt'))).toBe(true);
    expect(existsSync(at('list'))).toBe(false);
  });

  it('does nothing when there is no list', async () => {
    await writeFile(at('file'), 'x');
    await runCleanup(at('no-such-list'));
    expect(existsSync(at('file'))).toBe(true);
  });

  it('ignores a truncated last entry', async () => {
    await writeFile(at('data'), 'x');
    await writeFile(at('list'), `${at('data-new')}\n${at('data')}`.slice(0, -4));
    await runCleanup(at('list'));
    expect(existsSync(at('data'))).toBe(true);
  });
});
