import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reuseCachedBundle } from './cached-bundle.js';

const bytes = Buffer.from('bundle bytes');
const revision = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };

describe('reuseCachedBundle', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'baton-cache-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const bundleAt = (group: string, deployment: string, content?: Buffer) => {
    mkdirSync(join(root, group, deployment), { recursive: true });
    const file = join(root, group, deployment, 'bundle');
    if (content) writeFileSync(file, content);
    return file;
  };

  it('links the bundle of another deployment with the same digest into place', async () => {
    bundleAt('dg-1', 'd-1', Buffer.from('other bytes!'));
    const held = bundleAt('dg-2', 'd-2', bytes);
    const dest = bundleAt('dg-1', 'd-3');
    expect(await reuseCachedBundle(root, revision, dest)).toBe(held);
    expect(readFileSync(dest)).toEqual(bytes);
    expect(statSync(dest).ino).toBe(statSync(held).ino);
  });

  it('does nothing when no deployment holds the digest, or the bundle is there already', async () => {
    bundleAt('dg-1', 'd-1', Buffer.from('other bytes!'));
    const dest = bundleAt('dg-1', 'd-2');
    expect(await reuseCachedBundle(root, revision, dest)).toBeUndefined();
    const present = bundleAt('dg-1', 'd-3', bytes);
    expect(await reuseCachedBundle(root, revision, present)).toBeUndefined();
    expect(await reuseCachedBundle(join(root, 'absent'), revision, dest)).toBeUndefined();
  });
});
