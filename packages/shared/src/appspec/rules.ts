/**
 * The appspec rules that relate fields to each other or to the host, checked once every field is valid on
 * its own. They run in a fixed order and the first broken one is reported.
 */
import { SCRIPTABLE_HOOKS } from '../lifecycle.js';
import { describeValue } from './describe-value.js';
import type { AppSpec, AppSpecOs } from './schema.js';

/** Where in the appspec a rule is broken (a key path such as `files[0].destination`) and why. */
export type AppSpecProblem = { key: string; reason: string };

/** The reference's limit on one lifecycle event, which the timeouts of its scripts may not exceed in total. */
export const MAX_EVENT_TIMEOUT_SECONDS = 3600;

/** Absolute for the appspec's os: `/srv/app` on linux; `C:\app`, `C:/app` or `\\server\share` on windows. */
export function isAbsolutePathFor(os: AppSpecOs, path: string): boolean {
  return os === 'linux' ? path.startsWith('/') : /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

function checkOsMatchesPlatform(spec: AppSpec, platform: AppSpecOs): AppSpecProblem | undefined {
  return spec.os === platform
    ? undefined
    : { key: 'os', reason: `the appspec is for ${spec.os} but this host runs ${platform}` };
}

function checkDestinationsAbsolute(spec: AppSpec): AppSpecProblem | undefined {
  const index = spec.files.findIndex(({ destination }) => !isAbsolutePathFor(spec.os, destination));
  const mapping = spec.files[index];
  return mapping === undefined
    ? undefined
    : { key: `files[${index}].destination`, reason: `must be an absolute path, not ${describeValue(mapping.destination)}` };
}

function checkPermissionsOnLinuxOnly(spec: AppSpec): AppSpecProblem | undefined {
  return spec.os === 'windows' && spec.permissions.length > 0
    ? { key: 'permissions', reason: 'permissions are supported on linux only' }
    : undefined;
}

/** `/srv/app/` and `/srv/app` are the same object. */
const normaliseObjectPath = (path: string): string => path.replace(/(?<=.)\/+$/, '');

function checkObjectsUnique(spec: AppSpec): AppSpecProblem | undefined {
  const firstIndexOf = new Map<string, number>();
  for (const [index, { object }] of spec.permissions.entries()) {
    const path = normaliseObjectPath(object);
    const earlier = firstIndexOf.get(path);
    if (earlier !== undefined) {
      return {
        key: `permissions[${index}].object`,
        reason: `${describeValue(object)} is already the object of permissions[${earlier}]; a path may have only one permission entry`,
      };
    }
    firstIndexOf.set(path, index);
  }
  return undefined;
}

function checkEventTimeouts(spec: AppSpec): AppSpecProblem | undefined {
  for (const hook of SCRIPTABLE_HOOKS) {
    const total = (spec.hooks[hook] ?? []).reduce((sum, script) => sum + script.timeoutSeconds, 0);
    if (total > MAX_EVENT_TIMEOUT_SECONDS) {
      return {
        key: `hooks.${hook}`,
        reason:
          `the timeouts of its scripts add up to ${total} s, ` +
          `more than the ${MAX_EVENT_TIMEOUT_SECONDS} s an event may take`,
      };
    }
  }
  return undefined;
}

export function findRuleViolation(spec: AppSpec, platform: AppSpecOs): AppSpecProblem | undefined {
  return (
    checkOsMatchesPlatform(spec, platform) ??
    checkDestinationsAbsolute(spec) ??
    checkPermissionsOnLinuxOnly(spec) ??
    checkObjectsUnique(spec) ??
    checkEventTimeouts(spec)
  );
}
