/** Bundles for local-deployment tests: the same revision as a directory, a tgz or a zip. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeZip } from '../../../../test/harness/hostile-archives.js';
import { buildTgzBundle } from '../test-bundle.test-support.js';

/** Every hook appends `<event> <deployment id> <group name> from=<revision>` to `$BATON_FILES_ROOT/hooks.log`. */
export function revisionFiles(revision: string, { failValidate = false } = {}): Record<string, string> {
  const record = `#!/bin/sh\necho "$LIFECYCLE_EVENT $DEPLOYMENT_ID $DEPLOYMENT_GROUP_NAME from=${revision}" >> "$BATON_FILES_ROOT/hooks.log"\n`;
  const validate = failValidate ? '#!/bin/sh\necho "health check failed" >&2\nexit 3\n' : record;
  return {
    'appspec.yml': `version: 0.0
os: linux
files:
  - source: app
    destination: /srv/app
hooks:
  ApplicationStop: [{ location: scripts/record.sh }]
  BeforeInstall: [{ location: scripts/record.sh }]
  AfterInstall: [{ location: scripts/record.sh }]
  ApplicationStart: [{ location: scripts/record.sh }]
  ValidateService: [{ location: scripts/validate.sh, timeout: 30 }]
`,
    'scripts/record.sh': record,
    'scripts/validate.sh': validate,
    'app/index.html': `revision ${revision}\n`,
  };
}

export type BundleKind = 'directory' | 'tgz' | 'zip';

/** Writes the files as a bundle of `kind` under `dir` and returns its path. */
export async function writeBundle(dir: string, kind: BundleKind, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (kind === 'tgz') {
    const path = join(dir, 'bundle.tgz');
    await writeFile(path, (await buildTgzBundle(files)).bytes);
    return path;
  }
  if (kind === 'zip') {
    const path = join(dir, 'bundle.zip');
    const entries = Object.entries(files).map(([name, content]) => ({ path: name, content, mode: name.endsWith('.sh') ? 0o755 : 0o644 }));
    await writeZip(path, entries);
    return path;
  }
  const root = join(dir, 'bundle');
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
    if (name.endsWith('.sh')) await chmod(join(root, name), 0o755);
  }
  return root;
}
