/** Hostile bundles for end-to-end refusals (the full table is in hostile-archives.ts). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeRawTar } from './hostile-archives.js';

/** A tgz whose second entry climbs out of the extraction directory. */
export async function writeTarSlipBundle(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'evil.tgz');
  await writeRawTar(path, [{ path: 'appspec.yml', content: 'version: 0.0\nos: linux\n' }, { path: '../../../evil.txt', content: 'pwned\n' }], { gzip: true });
  return path;
}
