/**
 * Checks a stored bundle before any host sees it: it must be an archive of its declared type that lists to the
 * end, within the entry and unpacked-size limits. A zip or tar bomb is refused while it is listed, before it is
 * decompressed to the end. The agent checks again as it unpacks (it trusts no coordinator); this check makes the
 * deployment fail with INVALID_REVISION before a host is touched.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { err, ok, type BundleType, type Result } from '@baton/shared';
import { Parser } from 'tar';
import yauzl from 'yauzl';
import type { ArchiveLimits } from './archive-limits.js';

export interface ArchiveSummary {
  readonly entries: number;
  readonly unpackedBytes: number;
}

/** Lists the archive at `path` as `bundleType`; the error is a sentence for people. */
export async function inspectArchive(path: string, bundleType: BundleType, limits: ArchiveLimits): Promise<Result<ArchiveSummary, string>> {
  const tally = new Tally(limits);
  const listed = bundleType === 'zip' ? await listZip(path, tally) : await listTar(path, tally);
  if (!listed.ok) return listed;
  if (tally.entries === 0) return err(`the ${bundleType} archive holds no entries`);
  return ok({ entries: tally.entries, unpackedBytes: tally.bytes });
}

class Tally {
  entries = 0;
  bytes = 0;
  constructor(private readonly limits: ArchiveLimits) {}

  /** Counts one entry; the refusal once a limit is passed. */
  admit(name: string, size: number): string | undefined {
    this.entries += 1;
    this.bytes += size;
    if (this.entries > this.limits.maxEntries) return `the bundle has more than ${this.limits.maxEntries} entries`;
    if (this.bytes > this.limits.maxUnpackedBytes) {
      return `the bundle unpacks to more than ${this.limits.maxUnpackedBytes} bytes (reached at ${JSON.stringify(name)})`;
    }
    return undefined;
  }
}

async function listTar(path: string, tally: Tally): Promise<Result<void, string>> {
  let refusal: string | undefined;
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry) => {
      entry.resume();
      if (refusal !== undefined) return;
      refusal = tally.admit(entry.path, entry.size ?? 0);
      if (refusal !== undefined) parser.abort(new Error(refusal));
    },
  });
  const finished = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', (error: unknown) => {
      failure ??= error;
      resolve();
    });
  });
  for await (const chunk of createReadStream(path)) {
    if (failure !== undefined || refusal !== undefined) break;
    if (!parser.write(chunk as Buffer)) await Promise.race([once(parser, 'drain').catch(() => undefined), finished]);
  }
  if (failure === undefined && refusal === undefined) parser.end();
  await finished;
  if (refusal !== undefined) return err(refusal);
  if (failure !== undefined) return err(`the bundle is not a readable tar archive: ${(failure as Error).message}`);
  return ok(undefined);
}

async function listZip(path: string, tally: Tally): Promise<Result<void, string>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (error) {
    return err(`the bundle is not a readable zip archive: ${(error as Error).message}`);
  }
  try {
    return await new Promise<Result<void, string>>((resolve) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        const refusal = tally.admit(entry.fileName, entry.uncompressedSize);
        if (refusal === undefined) zip.readEntry();
        else resolve(err(refusal));
      });
      zip.on('end', () => resolve(ok(undefined)));
      zip.on('error', (error: Error) => resolve(err(`the bundle is not a readable zip archive: ${error.message}`)));
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
