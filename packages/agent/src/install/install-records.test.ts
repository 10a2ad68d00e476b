import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cleanupListPath,
  installRecordPath,
  readInstallRecord,
  writeInstallRecord,
} from './install-records.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'baton-records-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('install records', () => {
  it('names the files as the reference agent does', () => {
    const instructions = path.join(root, 'deployment-instructions');
    expect(cleanupListPath(root, 'dg-1')).toBe(path.join(instructions, 'dg-1-cleanup'));
    expect(installRecordPath(root, 'dg-1', 'last_successful_install')).toBe(
      path.join(instructions, 'dg-1_last_successful_install'),
    );
    expect(installRecordPath(root, 'dg-1', 'most_recent_install')).toBe(
      path.join(instructions, 'dg-1_most_recent_install'),
    );
  });

  it('reads nothing before the first write, then the latest deployment directory written', async () => {
    expect(await readInstallRecord(root, 'dg-1', 'last_successful_install')).toBeUndefined();

    await writeInstallRecord(root, 'dg-1', 'last_successful_install', path.join(root, 'dg-1', 'd-1'));
    await writeInstallRecord(root, 'dg-1', 'last_successful_install', path.join(root, 'dg-1', 'd-2'));
    await writeInstallRecord(root, 'dg-1', 'most_recent_install', path.join(root, 'dg-1', 'd-3'));

    expect(await readInstallRecord(root, 'dg-1', 'last_successful_install')).toBe(path.join(root, 'dg-1', 'd-2'));
    expect(await readInstallRecord(root, 'dg-1', 'most_recent_install')).toBe(path.join(root, 'dg-1', 'd-3'));
    expect(await readInstallRecord(root, 'dg-2', 'most_recent_install')).toBeUndefined();
    expect(await readFile(installRecordPath(root, 'dg-1', 'most_recent_install'), 'utf8')).toBe(
      path.join(root, 'dg-1', 'd-3'),
    );
    expect(await readdir(path.join(root, 'deployment-instructions'))).toEqual([
      'dg-1_last_successful_install',
      'dg-1_most_recent_install',
    ]);
  });

  it.each(['', '..', 'a/b'])('refuses the group id %j as a bug', (groupId) => {
    expect(() => cleanupListPath(root, groupId)).toThrow('usable as a file name');
  });
});
