import { readFile } from 'node:fs/promises';
import { err, ok, parseAppSpec, type AppSpec, type Result } from '@baton/shared';

export interface RevisionAppSpec {
  /** The directory the appspec's relative paths (sources, script locations) start from. */
  bundleRoot: string;
  appSpec: AppSpec;
}

/**
 * Finds and parses the appspec of an unpacked revision (`<deployment dir>/deployment-archive`). The error is
 * a message for people, naming file, key and reason (`appspec.yml: hooks.Foo: unknown lifecycle event`).
 */
export async function loadRevisionAppSpec(archiveDir: string): Promise<Result<RevisionAppSpec, string>> {
  const { locateAppSpec } = await import('../bundle/appspec-location.js');
  const located = await locateAppSpec(archiveDir);
  if (!located.ok) return located;
  const { bundleRoot, appSpecPath, fileName } = located.value;
  const parsed = parseAppSpec(await readFile(appSpecPath, 'utf8'), { fileName, platform: hostPlatform() });
  return parsed.ok ? ok({ bundleRoot, appSpec: parsed.value }) : err(parsed.error.message);
}

const hostPlatform = (): 'linux' | 'windows' => (process.platform === 'win32' ? 'windows' : 'linux');
