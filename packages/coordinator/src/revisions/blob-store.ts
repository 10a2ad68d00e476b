import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { err, ok, Sha256Hex, type Result } from '@baton/shared';

export const DEFAULT_MAX_BLOB_BYTES = 1024 ** 3;

export interface BlobInfo {
  readonly sha256: string;
  readonly size: number;
}

export interface BlobTooLarge {
  readonly code: 'TOO_LARGE';
  readonly maxBytes: number;
}

export interface BlobDigestMismatch {
  readonly code: 'DIGEST_MISMATCH';
  readonly expected: string;
  readonly actual: string;
}

/**
 * Content-addressed bundle bytes under `<dataDir>/blobs/<sha256>`. A blob appears under its name only
 * complete and synced (written to a temp file while hashing, then renamed), so a reader never sees a
 * partial blob and storing the same bytes twice is harmless.
 */
export class BlobStore {
  private readonly dir: string;
  private readonly tmpDir: string;

  constructor(
    dataDir: string,
    readonly maxBytes: number = DEFAULT_MAX_BLOB_BYTES,
  ) {
    this.dir = join(dataDir, 'blobs');
    this.tmpDir = join(this.dir, 'tmp');
  }

  /**
   * Stores a stream; refuses (and discards) it as soon as it exceeds the size limit, or at its end when its digest
   * is not `expectedSha256`, so bytes that failed a check never appear under any name.
   */
  putStream(source: AsyncIterable<Uint8Array>): Promise<Result<BlobInfo, BlobTooLarge>>;
  putStream(source: AsyncIterable<Uint8Array>, expectedSha256: string): Promise<Result<BlobInfo, BlobTooLarge | BlobDigestMismatch>>;
  async putStream(source: AsyncIterable<Uint8Array>, expectedSha256?: string): Promise<Result<BlobInfo, BlobTooLarge | BlobDigestMismatch>> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    const file = await open(tmp, 'wx', 0o644);
    let stored = false;
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > this.maxBytes) return err({ code: 'TOO_LARGE', maxBytes: this.maxBytes });
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
      await file.close();
      const sha256 = hash.digest('hex');
      if (expectedSha256 !== undefined && sha256 !== expectedSha256) return err({ code: 'DIGEST_MISMATCH', expected: expectedSha256, actual: sha256 });
      await rename(tmp, this.pathOf(sha256));
      stored = true;
      return ok({ sha256, size });
    } finally {
      if (!stored) {
        await file.close().catch(() => undefined);
        await rm(tmp, { force: true });
      }
    }
  }

  /** The blob's file path. Throws on a malformed digest: callers validate untrusted digests first. */
  pathOf(sha256: string): string {
    if (!Sha256Hex.safeParse(sha256).success) throw new Error(`not a sha256 digest: ${JSON.stringify(sha256)}`);
    return join(this.dir, sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.sizeOf(sha256)) !== undefined;
  }

  /** The blob's size in bytes, or undefined when it is not stored. */
  async sizeOf(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot stat blob ${sha256}`, { cause: error });
    }
  }

  /** The blob's first `length` bytes (fewer when it is shorter). */
  async head(sha256: string, length: number): Promise<Buffer> {
    const file = await open(this.pathOf(sha256), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  /** Reads the blob from byte `start` (inclusive) to `end` (inclusive, default the last byte). */
  read(sha256: string, range: { start: number; end?: number } = { start: 0 }): Readable {
    return createReadStream(this.pathOf(sha256), range);
  }
}
