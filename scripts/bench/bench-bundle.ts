/**
 * The benchmark's bundle: an appspec naming all nine scriptable hooks, each running a script that is just
 * `true`, and one small file to install. Without a traffic router only the five in-place hooks run.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SCRIPTABLE_HOOKS } from '@baton/shared';

/** Writes the bundle into `dir` (created) and returns `dir`. `destination` is where Install copies `app/`. */
export async function writeBenchBundle(dir: string, destination: string): Promise<string> {
  await mkdir(join(dir, 'app'), { recursive: true });
  await mkdir(join(dir, 'scripts'), { recursive: true });
  await writeFile(join(dir, 'app', 'version.txt'), 'bench\n');
  await writeFile(join(dir, 'scripts', 'true.sh'), '#!/bin/sh\ntrue\n');
  await chmod(join(dir, 'scripts', 'true.sh'), 0o755);
  const hooks = SCRIPTABLE_HOOKS.flatMap((hook) => [`  ${hook}:`, '    - location: scripts/true.sh', '      timeout: 60']);
  const appspec = ['version: 0.0', 'os: linux', 'files:', '  - source: app', `    destination: ${destination}`, 'hooks:', ...hooks, ''];
  await writeFile(join(dir, 'appspec.yml'), appspec.join('\n'));
  return dir;
}
