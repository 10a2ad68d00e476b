/**
 * The cleanup list of a deployment group: every path an install created, one absolute path per line, in
 * creation order. Written as the install goes so that even an interrupted install can be undone.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Only newline-terminated lines count: an install killed mid-append can leave a truncated last line, and a
 * truncated path may name some other, unrelated file.
 */
export function parseCleanupList(contents: string): string[] {
  const lines = contents.split('\n');
  lines.pop();
  return lines.filter((line) => line !== '');
}

/**
 * Each entry reaches the kernel as soon as it is appended, which covers an agent crash; the data is flushed
 * to disk every SYNC_EVERY entries and on close, which bounds what a power loss can drop without paying an
 * fsync per file.
 */
const SYNC_EVERY = 64;

export class CleanupListWriter {
  private unsynced = 0;

  private constructor(private readonly handle: FileHandle) {}

  /** Starts a fresh list, replacing any previous one at `file`. */
  static async create(file: string): Promise<CleanupListWriter> {
    await mkdir(path.dirname(file), { recursive: true });
    return new CleanupListWriter(await open(file, 'w', 0o600));
  }

  async append(entry: string): Promise<void> {
    await this.handle.write(`${entry}\n`);
    this.unsynced += 1;
    if (this.unsynced >= SYNC_EVERY) await this.sync();
  }

  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      await this.handle.close();
    }
  }

  private async sync(): Promise<void> {
    await this.handle.datasync();
    this.unsynced = 0;
  }
}
