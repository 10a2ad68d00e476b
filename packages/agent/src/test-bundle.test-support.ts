import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create as createTar } from 'tar';
import type { DeploymentContext } from '@baton/shared';

export interface TestBundle {
  bytes: Buffer;
  sha256: string;
  size: number;
}

/** Builds a real tgz bundle from `{ relative path: content }`; `.sh` files are made executable. */
export async function buildTgzBundle(files: Record<string, string>): Promise<TestBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-bundle-'));
  try {
    const source = join(dir, 'source');
    for (const [path, content] of Object.entries(files)) {
      const file = join(source, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
      if (path.endsWith('.sh')) await chmod(file, 0o755);
    }
    const archive = join(dir, 'bundle.tgz');
    await createTar({ gzip: true, file: archive, cwd: source, portable: true }, ['.']);
    const bytes = await readFile(archive);
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A user's deployment `deploymentId` of `bundle` to group `prod` (`dg-1`) of application `shop`. */
export const deploymentOf = (deploymentId: string, bundle: TestBundle): DeploymentContext => ({
  deploymentId,
  applicationName: 'shop',
  deploymentGroupName: 'prod',
  deploymentGroupId: 'dg-1',
  creator: 'user',
  revision: { sha256: bundle.sha256, size: bundle.size, bundleType: 'tgz' },
  ignoreApplicationStopFailures: false,
});
