import { scriptSourceFor, type RunEvent, type ScriptableHook, type ScriptSource } from '@baton/shared';
import { deploymentDirs, deploymentDirsAt } from '../layout.js';
import { failed, succeeded, type ExecutionOutcome } from './execution-outcome.js';
import type { ExecutorContext } from './executor-context.js';
import { buildHookEnv } from './hook-env.js';
import { loadRevisionAppSpec } from './revision-appspec.js';

/**
 * A scriptable hook: runs the hook's scripts from the revision the reference's table names (this one, the
 * group's last successful install, or its most recent one). Output goes to THIS deployment's scripts.log,
 * whichever revision the scripts come from.
 */
export async function runHooksStep(
  hook: ScriptableHook,
  command: RunEvent,
  { config, logger, signal, onOutput, onScriptStarted }: ExecutorContext,
): Promise<ExecutionOutcome> {
  const { deployment } = command;
  const { deploymentRoot } = config.layout;
  const dirs = deploymentDirs(deploymentRoot, deployment.deploymentGroupId, deployment.deploymentId);
  const source = scriptSourceFor(hook, deployment.blueGreenRollback ?? false);
  const revisionDir = await resolveRevisionDir(source, deploymentRoot, deployment.deploymentGroupId, dirs.dir);
  if (revisionDir === undefined) {
    return succeeded(`no ${source === 'mostRecent' ? 'recent' : 'previous successful'} install: nothing to run`);
  }

  const spec = await loadRevisionAppSpec(deploymentDirsAt(revisionDir).archiveDir);
  if (!spec.ok) return failed('UnknownError', spec.error);
  const scripts = spec.value.appSpec.hooks[hook] ?? [];
  if (scripts.length === 0) return succeeded(`no scripts for ${hook}`);

  logger.info({ revisionDir, scripts: scripts.length }, 'running hook scripts');
  const { runHookScripts } = await import('../hooks/index.js');
  return runHookScripts({
    event: hook,
    scripts,
    bundleDir: spec.value.bundleRoot,
    env: buildHookEnv(hook, command, config),
    secrets: Object.values(command.secrets ?? {}),
    logFile: dirs.scriptsLog,
    ...(signal === undefined ? {} : { signal }),
    ...(onOutput === undefined ? {} : { onOutput }),
    ...(onScriptStarted === undefined ? {} : { onScriptStarted }),
  });
}

async function resolveRevisionDir(
  source: ScriptSource,
  deploymentRoot: string,
  groupId: string,
  currentDir: string,
): Promise<string | undefined> {
  if (source === 'current') return currentDir;
  const { readInstallRecord } = await import('../install/install-records.js');
  return readInstallRecord(
    deploymentRoot,
    groupId,
    source === 'lastSuccessful' ? 'last_successful_install' : 'most_recent_install',
  );
}
