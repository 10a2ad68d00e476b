/**
 * The Install lifecycle event on a host (reference section 5, steps 3–6): undo the group's previous install,
 * plan and apply this revision's copies, apply its permissions, and record it as the group's last
 * successful install.
 *
 * Contract: a Result error is the revision's fault (a DISALLOW conflict, a missing source, a bad permission)
 * and nothing is recorded as successful; a thrown Error is an infrastructure fault. Either way, whatever was
 * created is in the group's fresh cleanup list, so the next install starts by removing it.
 */
import { ok, type AppSpec, type FileExistsBehavior, type Result } from '@baton/shared';
import { applyInstallPlan } from './apply.js';
import { runCleanup } from './cleanup.js';
import { cleanupListPath, writeInstallRecord } from './install-records.js';
import { applyPermissions } from './permissions.js';
import { planInstall } from './plan.js';

export interface InstallRevisionInput {
  readonly deploymentRoot: string;
  readonly groupId: string;
  /** `<deployment-root>/<group-id>/<deployment-id>`, recorded as the last successful install. */
  readonly deploymentDir: string;
  /** The directory appspec sources are relative to (the unpacked bundle, nesting stripped). */
  readonly bundleRoot: string;
  readonly appSpec: Pick<AppSpec, 'files' | 'fileExistsBehavior' | 'permissions'>;
  /** The deployment's option; the appspec's own value wins over it. */
  readonly fileExistsBehavior?: FileExistsBehavior;
  /** Development-only: destinations and permission objects are rebased under this directory. */
  readonly filesRoot?: string;
}

export async function installRevision(input: InstallRevisionInput): Promise<Result<void, string>> {
  const cleanupFile = cleanupListPath(input.deploymentRoot, input.groupId);
  await runCleanup(cleanupFile);

  const plan = await planInstall({
    bundleRoot: input.bundleRoot,
    files: input.appSpec.files,
    fileExistsBehavior: resolveFileExistsBehavior(input.appSpec.fileExistsBehavior, input.fileExistsBehavior),
    ...(input.filesRoot === undefined ? {} : { filesRoot: input.filesRoot }),
  });
  if (!plan.ok) return plan;
  const { created } = await applyInstallPlan(plan.value, cleanupFile);

  const permitted = await applyPermissions({
    permissions: input.appSpec.permissions,
    created,
    ...(input.filesRoot === undefined ? {} : { filesRoot: input.filesRoot }),
  });
  if (!permitted.ok) return permitted;

  await writeInstallRecord(input.deploymentRoot, input.groupId, 'last_successful_install', input.deploymentDir);
  return ok(undefined);
}

/** Reference precedence: the appspec's value, else the deployment's option, else DISALLOW. */
export function resolveFileExistsBehavior(
  fromAppSpec: FileExistsBehavior | undefined,
  fromDeployment: FileExistsBehavior | undefined,
): FileExistsBehavior {
  return fromAppSpec ?? fromDeployment ?? 'DISALLOW';
}
