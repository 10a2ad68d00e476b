/**
 * Decides which paths each appspec permission applies to, following the reference agent:
 * - only paths this deployment created are candidates, never pre-existing ones;
 * - an `object` that is a created file is the single target (if `type` admits files), and then `pattern`
 *   must be `**` and `except` empty;
 * - otherwise `object` is a directory whose created descendants are matched, the directory itself excluded:
 *   `**` matches every descendant, any other glob the names of immediate children only; an `except` glob
 *   excludes the descendants whose path relative to `object` it matches; `type` keeps files, directories
 *   or both;
 * - a path may be the target of only one permission entry.
 * Globs match dot files, as the reference's do.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import { err, ok, type AppSpecPermission, type Result } from '@baton/shared';
import { resolveUnder } from './rebase.js';

export type CreatedKind = 'file' | 'directory';

export interface PermissionTarget {
  readonly target: string;
  readonly permission: AppSpecPermission;
}

/**
 * @param created the kind of every path this deployment created (symlinks left out: their mode is
 *   meaningless and changing one would act on whatever it points to).
 * @param filesRoot development-only: permission objects are rebased under it, as destinations were.
 */
export function selectPermissionTargets(
  permissions: readonly AppSpecPermission[],
  created: ReadonlyMap<string, CreatedKind>,
  filesRoot?: string,
): Result<PermissionTarget[], string> {
  const targets: PermissionTarget[] = [];
  const claimed = new Set<string>();
  for (const permission of permissions) {
    const matched = matchPermission(permission, resolveUnder(filesRoot, permission.object), created);
    if (!matched.ok) return matched;
    for (const target of matched.value) {
      if (claimed.has(target)) {
        return err(`the permissions for ${target} are specified more than once in the appspec; keep one entry`);
      }
      claimed.add(target);
      targets.push({ target, permission });
    }
  }
  return ok(targets);
}

function matchPermission(
  permission: AppSpecPermission,
  object: string,
  created: ReadonlyMap<string, CreatedKind>,
): Result<string[], string> {
  if (created.get(object) === 'file') {
    if (!permission.type.includes('file')) return ok([]);
    if (permission.pattern !== '**' || permission.except.length > 0) {
      return err(
        `the permission for the file ${permission.object} has a pattern or except list, ` +
          'which only apply to directories; remove them',
      );
    }
    return ok([object]);
  }
  const matchesPattern = permission.pattern === '**' ? () => true : childGlob(permission.pattern);
  const isExcepted = permission.except.length === 0 ? () => false : picomatch([...permission.except], { dot: true });
  const prefix = object.endsWith(path.sep) ? object : `${object}${path.sep}`;
  const matches: string[] = [];
  for (const [candidate, kind] of created) {
    if (!candidate.startsWith(prefix) || !permission.type.includes(kind)) continue;
    const relative = candidate.slice(prefix.length);
    if (matchesPattern(relative) && !isExcepted(relative)) matches.push(candidate);
  }
  return ok(matches);
}

function childGlob(pattern: string): (relative: string) => boolean {
  const matches = picomatch(pattern, { dot: true });
  return (relative) => !relative.includes(path.sep) && matches(relative);
}
