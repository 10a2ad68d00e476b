import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CleanupListWriter, parseCleanupList } from './cleanup-list.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'baton-cleanup-list-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseCleanupList', () => {
  it.each([
    ['', []],
    ['/a\n/b\n', ['/a', '/b']],
    ['/a\n/b', ['/a']],
    ['/a\n\n/b\n', ['/a', '/b']],
  ])('reads %j as %j, dropping an unterminated last line', (contents, expected) => {
    expect(parseCleanupList(contents)).toEqual(expected);
  });
});

describe('CleanupListWriter', () => {
  it('starts a fresh private list in a new directory and records entries in order', async () => {
    const file = path.join(dir, 'deployment-instructions', 'g-cleanup');
    const first = await CleanupListWriter.create(file);
    await first.append('/old');
    await first.close();

    const writer = await CleanupListWriter.create(file);
    for (let i = 0; i < 100; i += 1) await writer.append(`/srv/app/${i}`);
    // Entries are readable before close: an agent that dies mid-install leaves them behind.
    const beforeClose = parseCleanupList(await readFile(file, 'utf8'));
    await writer.close();

    expect(beforeClose).toHaveLength(100);
    expect(parseCleanupList(await readFile(file, 'utf8'))).toEqual(beforeClose);
    expect(beforeClose[0]).toBe('/srv/app/0');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
