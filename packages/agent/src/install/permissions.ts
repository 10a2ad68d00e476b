/**
 * Applies the appspec `permissions` section to the paths this deployment created (never to pre-existing
 * ones). Which path gets which entry is decided by permission-targets.ts.
 *
 * Contract: everything that can be checked up front is checked before any path is touched: targets claimed
 * twice, unknown owners and groups, malformed modes, and an SELinux context on a host without SELinux. Then,
 * per path: chmod, setfacl, SELinux context, chown. A failure part-way leaves earlier paths changed; the
 * files are this deployment's own and the deployment fails.
 */
import { chmod, chown, stat } from 'node:fs/promises';
import { err, ok, type AppSpecPermission, type Result, type SeLinuxContext } from '@baton/shared';
import { setAcl } from './acl.js';
import { lstatIfExists } from './fs-probe.js';
import { selectPermissionTargets, type CreatedKind } from './permission-targets.js';
import { isSelinuxEnabled, setSelinuxContext } from './selinux.js';
import { lookupId } from './user-database.js';

export interface ApplyPermissionsInput {
  readonly permissions: readonly AppSpecPermission[];
  /** Paths created by this deployment, as returned by applyInstallPlan. */
  readonly created: readonly string[];
  /** Development-only: permission objects are rebased under it, as destinations were. */
  readonly filesRoot?: string;
}

/** A permission entry with names resolved to ids and the mode parsed. */
interface ResolvedPermission {
  readonly mode?: number;
  readonly acls: readonly string[];
  readonly context?: SeLinuxContext;
  readonly uid?: number;
  readonly gid?: number;
}

const done: Result<void, string> = ok(undefined);

export async function applyPermissions(input: ApplyPermissionsInput): Promise<Result<void, string>> {
  if (input.permissions.length === 0) return done;
  const targets = selectPermissionTargets(input.permissions, await classifyCreated(input.created), input.filesRoot);
  if (!targets.ok) return targets;
  const resolved = await resolvePermissions(input.permissions);
  if (!resolved.ok) return resolved;
  for (const { target, permission } of targets.value) {
    const resolvedPermission = resolved.value.get(permission);
    if (resolvedPermission === undefined) throw new Error(`permission for ${target} was not resolved`);
    const applied = await applyToPath(target, resolvedPermission);
    if (!applied.ok) return applied;
  }
  return done;
}

/** Symlinks are left out: their own mode means nothing, and chmod or setfacl would act on their target. */
async function classifyCreated(created: readonly string[]): Promise<Map<string, CreatedKind>> {
  const kinds = new Map<string, CreatedKind>();
  for (const target of created) {
    const stats = await lstatIfExists(target);
    if (stats === undefined || stats.isSymbolicLink()) continue;
    kinds.set(target, stats.isDirectory() ? 'directory' : 'file');
  }
  return kinds;
}

async function resolvePermissions(
  permissions: readonly AppSpecPermission[],
): Promise<Result<Map<AppSpecPermission, ResolvedPermission>, string>> {
  const resolved = new Map<AppSpecPermission, ResolvedPermission>();
  if (permissions.some((p) => p.context !== undefined) && !(await isSelinuxEnabled())) {
    return err('SELinux context is not supported on this host: SELinux is not enabled; remove the context settings');
  }
  for (const permission of permissions) {
    const { mode, owner, group } = permission;
    if (mode !== undefined && !/^[0-7]{1,4}$/.test(mode)) {
      return err(`the permission for ${permission.object} has an invalid mode "${mode}"`);
    }
    const uid = owner === undefined ? undefined : await lookupId('passwd', owner);
    if (owner !== undefined && uid === undefined) {
      return err(`the permission for ${permission.object} names the owner "${owner}", not a user on this host`);
    }
    const gid = group === undefined ? undefined : await lookupId('group', group);
    if (group !== undefined && gid === undefined) {
      return err(`the permission for ${permission.object} names the group "${group}", not a group on this host`);
    }
    resolved.set(permission, {
      acls: permission.acls,
      ...(mode === undefined ? {} : { mode: Number.parseInt(mode, 8) }),
      ...(permission.context === undefined ? {} : { context: permission.context }),
      ...(uid === undefined ? {} : { uid }),
      ...(gid === undefined ? {} : { gid }),
    });
  }
  return ok(resolved);
}

async function applyToPath(target: string, permission: ResolvedPermission): Promise<Result<void, string>> {
  if (permission.mode !== undefined) await chmod(target, permission.mode);
  if (permission.acls.length > 0) {
    const acl = await setAcl(target, permission.acls);
    if (!acl.ok) return acl;
  }
  if (permission.context !== undefined) {
    const labelled = await setSelinuxContext(target, permission.context);
    if (!labelled.ok) return labelled;
  }
  if (permission.uid !== undefined || permission.gid !== undefined) {
    await chown(target, permission.uid ?? -1, permission.gid ?? -1);
    if (permission.mode !== undefined) await restoreSpecialBits(target, permission.mode);
  }
  return done;
}

/**
 * chown clears setuid/setgid (even for root), so a mode such as 4755 would not survive the required order.
 * Only the special bits are put back: the permission bits now carry the ACL mask and must stay as they are.
 */
async function restoreSpecialBits(target: string, mode: number): Promise<void> {
  const current = (await stat(target)).mode & 0o7777;
  if ((current & 0o7000) !== (mode & 0o7000)) await chmod(target, (current & 0o777) | (mode & 0o7000));
}
