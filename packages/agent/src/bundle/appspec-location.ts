import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '@baton/shared';

export interface AppSpecLocation {
  /** The directory the appspec's relative paths start from. */
  readonly bundleRoot: string;
  readonly appSpecPath: string;
  readonly fileName: string;
}

/** Looked up in this order (reference section 1). */
const APPSPEC_NAMES = ['appspec.yml', 'appspec.yaml'] as const;

/**
 * Finds the appspec of an unpacked bundle: at the root, or, when the root holds exactly one entry and it is a
 * directory (a bundle zipped together with its enclosing folder), inside that directory, which then becomes the
 * bundle root. Nothing is moved. The error is a message for people.
 */
export async function locateAppSpec(archiveDir: string): Promise<Result<AppSpecLocation, string>> {
  const atRoot = await findAppSpecIn(archiveDir);
  if (atRoot) return ok(atRoot);
  const children = await readdir(archiveDir, { withFileTypes: true });
  const [only] = children;
  if (children.length === 1 && only?.isDirectory()) {
    const nested = await findAppSpecIn(join(archiveDir, only.name));
    if (nested) return ok(nested);
    return err(
      `the bundle has no appspec.yml or appspec.yaml at its root or in its only top-level directory "${only.name}"`,
    );
  }
  return err('the bundle has no appspec.yml or appspec.yaml at its root');
}

async function findAppSpecIn(dir: string): Promise<AppSpecLocation | undefined> {
  for (const fileName of APPSPEC_NAMES) {
    const appSpecPath = join(dir, fileName);
    if (await isFile(appSpecPath)) return { bundleRoot: dir, appSpecPath, fileName };
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Error(`cannot inspect ${path}`, { cause: error });
  }
}
