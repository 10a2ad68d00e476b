import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BundleType } from '@baton/shared';
import { bundleTypeFromName } from '../revisions/detect-bundle-type.js';
import { CliError } from './context.js';

export interface PackedBundle {
  readonly bundleType: BundleType;
  readonly size: number;
  open(): Readable;
  /** Removes the temporary archive made from a directory. */
  dispose(): Promise<void>;
}

/**
 * Turns `--bundle PATH` into an archive to upload: a directory is packed as tgz (its contents at the archive
 * root, as the appspec expects); an archive file is sent as it is, its type taken from `--bundle-type` or its
 * name.
 */
export async function packBundle(path: string, explicitType?: string): Promise<PackedBundle> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new CliError('BUNDLE_NOT_FOUND', `no file or directory at ${path}`);
  if (info.isDirectory()) {
    const dir = await mkdtemp(join(tmpdir(), 'baton-bundle-'));
    const archive = join(dir, 'bundle.tgz');
    const { create: createTar } = await import('tar'); // only `deploy --bundle DIR` packs: keep the CLI's start-up light
    await createTar({ gzip: true, file: archive, cwd: path, portable: true }, await readdir(path));
    const { size } = await stat(archive);
    return { bundleType: 'tgz', size, open: () => createReadStream(archive), dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  const bundleType = explicitType ?? bundleTypeFromName(path);
  if (bundleType !== 'tar' && bundleType !== 'tgz' && bundleType !== 'zip') {
    throw new CliError('UNKNOWN_BUNDLE_TYPE', `cannot tell the archive type of ${path}: name it .tar, .tgz, .tar.gz or .zip, or pass --bundle-type`);
  }
  return { bundleType, size: info.size, open: () => createReadStream(path), dispose: async () => {} };
}
