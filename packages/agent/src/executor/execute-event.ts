/**
 * Runs ONE lifecycle event on this host and says how it went (reference sections 2–5).
 *
 * Contract: never throws. Expected failures come back from each step; anything unexpected becomes a Failed
 * result with errorCode UnknownError, so a bug in one event cannot crash the agent or wedge the queue.
 * The heavy modules (tar, yauzl, picomatch, yaml) load lazily inside the steps: the idle agent stays small.
 */
import { isScriptableHook, type RunEvent } from '@baton/shared';
import { describeFault } from './describe-fault.js';
import { downloadBundleStep } from './download-bundle-step.js';
import { failed, type ExecutionOutcome } from './execution-outcome.js';
import type { ExecutorContext } from './executor-context.js';
import { runHooksStep } from './hooks-step.js';
import { installStep } from './install-step.js';

export async function executeEvent(command: RunEvent, context: ExecutorContext): Promise<ExecutionOutcome> {
  const unsafe = findUnsafeId(command);
  if (unsafe !== undefined) return failed('UnknownError', unsafe);
  try {
    return await dispatch(command, context);
  } catch (error) {
    context.logger.error({ err: error }, 'lifecycle event failed unexpectedly');
    return failed('UnknownError', describeFault(error));
  }
}

function dispatch(command: RunEvent, context: ExecutorContext): Promise<ExecutionOutcome> {
  const { event } = command;
  if (event === 'DownloadBundle') return downloadBundleStep(command, context);
  if (event === 'Install') return installStep(command, context);
  if (isScriptableHook(event)) return runHooksStep(event, command, context);
  // BlockTraffic and AllowTraffic move the router; the coordinator performs them itself.
  return Promise.resolve(failed('UnknownError', `${event} is performed by the coordinator, not by the agent`));
}

/** Group and deployment ids become directory names: refuse any that could name a path elsewhere. */
function findUnsafeId({ deployment }: RunEvent): string | undefined {
  const ids = { deploymentGroupId: deployment.deploymentGroupId, deploymentId: deployment.deploymentId };
  const bad = Object.entries(ids).find(([, id]) => !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(id));
  return bad === undefined ? undefined : `${bad[0]} ${JSON.stringify(bad[1])} cannot be used as a directory name`;
}
