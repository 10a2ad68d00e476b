import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-lock-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets one process hold the directory and names the holder to the next', () => {
    const first = lockDataDir(dataDir);
    if (!first.ok) throw new Error(first.error);
    expect(readFileSync(first.value.path, 'utf8')).toBe(`${process.pid}\n`);

    // Another live process: our parent is one, and it is certainly running.
    const second = lockDataDir(dataDir, process.ppid);
    expect(second).toEqual({ ok: false, error: expect.stringContaining(`in use by coordinator process ${process.pid}`) });

    first.value.release();
    expect(existsSync(first.value.path)).toBe(false);
    const again = lockDataDir(dataDir, process.ppid);
    expect(again.ok).toBe(true);
  });

  it('takes over a lock left by a process that no longer exists', () => {
    // A pid that was just used and has exited.
    const gone = spawnSync('true').pid!;
    writeFileSync(join(dataDir, 'coordinator.pid'), `${gone}\n`);
    const taken = lockDataDir(dataDir);
    if (!taken.ok) throw new Error(taken.error);
    expect(readFileSync(taken.value.path, 'utf8')).toBe(`${process.pid}\n`);
    taken.value.release();
  });

  it('does not remove a lock that another process took over', () => {
    const held = lockDataDir(dataDir);
    if (!held.ok) throw new Error(held.error);
    writeFileSync(held.value.path, `${process.ppid}\n`);
    held.value.release();
    expect(readFileSync(held.value.path, 'utf8')).toBe(`${process.ppid}\n`);
  });
});
