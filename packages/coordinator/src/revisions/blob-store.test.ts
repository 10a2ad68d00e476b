import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from './blob-store.js';

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

describe('BlobStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-blobs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a stream under its sha256, idempotently', async () => {
    const blobs = new BlobStore(dir);
    const put = await blobs.putStream(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    expect(put).toEqual({ ok: true, value: { sha256: sha256('hello world'), size: 11 } });
    expect(readFileSync(blobs.pathOf(sha256('hello world')), 'utf8')).toBe('hello world');
    expect(await blobs.putStream(Readable.from([Buffer.from('hello world')]))).toEqual(put);
    expect(await blobs.has(sha256('hello world'))).toBe(true);
    expect(await blobs.sizeOf(sha256('hello world'))).toBe(11);
    expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('reads a byte range', async () => {
    const blobs = new BlobStore(dir);
    await blobs.putStream(Readable.from([Buffer.from('0123456789')]));
    expect(await text(blobs.read(sha256('0123456789'), { start: 7 }))).toBe('789');
    expect(await text(blobs.read(sha256('0123456789'), { start: 2, end: 4 }))).toBe('234');
  });

  it('refuses a stream over the limit and leaves nothing behind', async () => {
    const blobs = new BlobStore(dir, 8);
    const put = await blobs.putStream(Readable.from([Buffer.from('12345'), Buffer.from('6789')]));
    expect(put).toEqual({ ok: false, error: { code: 'TOO_LARGE', maxBytes: 8 } });
    expect(readdirSync(join(dir, 'blobs'))).toEqual(['tmp']);
    expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('discards the temp file when the source fails', async () => {
    const blobs = new BlobStore(dir);
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await expect(blobs.putStream(failing())).rejects.toThrow('connection reset');
    expect(readdirSync(join(dir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('knows what it does not have and refuses malformed digests', async () => {
    const blobs = new BlobStore(dir);
    expect(await blobs.has('0'.repeat(64))).toBe(false);
    expect(() => blobs.pathOf('../etc/passwd')).toThrow(/not a sha256/);
  });
});
