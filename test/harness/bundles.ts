/**
 * Builds the test bundles: a small application whose appspec installs `app/` under APP_DIR and whose hook
 * script records every lifecycle event it runs (with the environment CodeDeploy promises) in
 * `APP_DIR/hooks.log`, which lives outside the installed files and so survives installs and cleanups.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR } from './cluster.js';

export const IN_PLACE_HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'] as const;

export interface BundleSpec {
  readonly version: string;
  /** A hook that exits non-zero. */
  readonly failAt?: string;
  /** A hook that sleeps this many seconds first. */
  readonly sleepAt?: { readonly hook: string; readonly seconds: number };
}

export function writeBundle(dir: string, spec: BundleSpec): string {
  mkdirSync(join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'app', 'version.txt'), `${spec.version}\n`);
  writeFileSync(join(dir, 'app', 'index.html'), `<h1>${spec.version}</h1>\n`);
  writeFileSync(
    join(dir, 'appspec.yml'),
    [
      'version: 0.0',
      'os: linux',
      'files:',
      '  - source: app',
      `    destination: ${APP_DIR}/app`,
      'permissions:',
      `  - object: ${APP_DIR}/app`,
      '    pattern: "**"',
      '    mode: 640',
      '    type: [file]',
      'hooks:',
      ...IN_PLACE_HOOKS.flatMap((hook) => [`  ${hook}:`, '    - location: scripts/hook.sh', '      timeout: 120']),
      '',
    ].join('\n'),
  );
  const script = join(dir, 'scripts', 'hook.sh');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `echo "$LIFECYCLE_EVENT version=${spec.version} deployment=$DEPLOYMENT_ID app=$APPLICATION_NAME group=$DEPLOYMENT_GROUP_NAME groupId=$DEPLOYMENT_GROUP_ID host=$BATON_E2E_HOST" >> ${APP_DIR}/hooks.log`,
      `echo "running $LIFECYCLE_EVENT of ${spec.version}"`,
      spec.sleepAt ? `[ "$LIFECYCLE_EVENT" = "${spec.sleepAt.hook}" ] && sleep ${spec.sleepAt.seconds}` : '',
      spec.failAt ? `if [ "$LIFECYCLE_EVENT" = "${spec.failAt}" ]; then echo "${spec.failAt} fails on purpose" >&2; exit 3; fi` : '',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return dir;
}
