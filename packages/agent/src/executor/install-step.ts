import type { RunEvent } from '@baton/shared';
import { deploymentDirs } from '../layout.js';
import { failed, succeeded, type ExecutionOutcome } from './execution-outcome.js';
import type { ExecutorContext } from './executor-context.js';
import { loadRevisionAppSpec } from './revision-appspec.js';

/** Install: copies this revision's files and applies its permissions (reference section 5, steps 3–6). */
export async function installStep({ deployment }: RunEvent, { config }: ExecutorContext): Promise<ExecutionOutcome> {
  const { deploymentRoot } = config.layout;
  const dirs = deploymentDirs(deploymentRoot, deployment.deploymentGroupId, deployment.deploymentId);
  const spec = await loadRevisionAppSpec(dirs.archiveDir);
  if (!spec.ok) return failed('UnknownError', spec.error);

  const { installRevision } = await import('../install/install.js');
  const installed = await installRevision({
    deploymentRoot,
    groupId: deployment.deploymentGroupId,
    deploymentDir: dirs.dir,
    bundleRoot: spec.value.bundleRoot,
    appSpec: spec.value.appSpec,
    ...(deployment.fileExistsBehavior === undefined ? {} : { fileExistsBehavior: deployment.fileExistsBehavior }),
    ...(config.filesRoot === undefined ? {} : { filesRoot: config.filesRoot }),
  });
  return installed.ok ? succeeded('installed') : failed('UnknownError', installed.error);
}
