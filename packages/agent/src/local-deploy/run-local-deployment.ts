/**
 * A deployment on this host with no coordinator (`baton-agent local-deploy`, like `codedeploy-local`): the same
 * executor as a coordinated deployment runs each event in turn, with the bundle taken from a local path. The
 * first failed event ends the deployment; the events after it are reported as Skipped.
 *
 * It uses the agent's deployment root and install records, so a local deployment and a coordinated one of the
 * same group id follow each other like two coordinated ones (ApplicationStop runs the previous revision's
 * script). It should not run while the daemon is running an event of the same group.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DeploymentContext, EventDiagnostics, FileExistsBehavior, LifecycleEventName } from '@baton/shared';
import type { AgentConfig } from '../config.js';
import { executeEvent } from '../executor/execute-event.js';
import { deploymentDirs } from '../layout.js';
import type { Logger } from '../logging.js';
import { localBundleSource, type LocalBundleType } from './local-bundle-source.js';

export interface LocalDeploymentOptions {
  readonly bundle: string;
  readonly bundleType: LocalBundleType;
  readonly events: readonly LifecycleEventName[];
  readonly applicationName: string;
  readonly groupName: string;
  readonly fileExistsBehavior?: FileExistsBehavior;
  readonly config: AgentConfig;
  readonly logger: Logger;
  /** Called as each event starts (`status` undefined) and ends. */
  readonly onEvent?: (report: LocalEventReport) => void;
}

export interface LocalEventReport {
  readonly event: LifecycleEventName;
  readonly status?: 'Succeeded' | 'Failed' | 'Skipped';
  readonly durationMs?: number;
  readonly diagnostics?: EventDiagnostics;
}

export interface LocalDeploymentResult {
  readonly deploymentId: string;
  readonly groupId: string;
  readonly succeeded: boolean;
  readonly events: readonly LocalEventReport[];
  readonly scriptsLog: string;
}

/** Local groups get their own directories under the deployment root, apart from the coordinator's `dg-…` ids. */
export const localGroupId = (groupName: string): string => `local-${groupName.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

export async function runLocalDeployment(options: LocalDeploymentOptions): Promise<LocalDeploymentResult> {
  const deployment = localDeploymentContext(options);
  const context = {
    config: options.config,
    credential: '', // never sent: the bundle source is local
    logger: options.logger.child({ deploymentId: deployment.deploymentId, local: true }),
    bundleSource: localBundleSource(options.bundle, options.bundleType),
  };
  const reports: LocalEventReport[] = [];
  let failed = false;
  for (const event of options.events) {
    if (failed) {
      reports.push({ event, status: 'Skipped' });
      options.onEvent?.(reports.at(-1)!);
      continue;
    }
    options.onEvent?.({ event });
    const startedAt = performance.now();
    const logger = context.logger.child({ event });
    const command = { type: 'run-event' as const, commandId: `${deployment.deploymentId}.local.${event}`, event, deployment };
    logger.info('event started');
    const outcome = await executeEvent(command, { ...context, logger });
    logger.info({ status: outcome.status, errorCode: outcome.diagnostics.errorCode }, 'event finished');
    const report = { event, status: outcome.status, durationMs: performance.now() - startedAt, diagnostics: outcome.diagnostics };
    reports.push(report);
    options.onEvent?.(report);
    failed = outcome.status === 'Failed';
  }
  const dirs = deploymentDirs(options.config.layout.deploymentRoot, deployment.deploymentGroupId, deployment.deploymentId);
  return {
    deploymentId: deployment.deploymentId,
    groupId: deployment.deploymentGroupId,
    succeeded: !failed,
    events: reports,
    scriptsLog: dirs.scriptsLog,
  };
}

function localDeploymentContext(options: LocalDeploymentOptions): DeploymentContext {
  return {
    // The reference's local ids look like d-98761234-local.
    deploymentId: `d-${randomBytes(6).toString('hex')}-local`,
    applicationName: options.applicationName,
    deploymentGroupName: options.groupName,
    deploymentGroupId: localGroupId(options.groupName),
    creator: 'user',
    revision: {
      // A local bundle has no stored digest; this names the path so that messages and hooks can tell revisions apart.
      sha256: createHash('sha256').update(`local-bundle:${options.bundle}`).digest('hex'),
      size: 0,
      // Only the coordinator's download reads it; a copied directory is described as the tar it could have been.
      bundleType: options.bundleType === 'directory' ? 'tar' : options.bundleType,
    },
    ...(options.fileExistsBehavior === undefined ? {} : { fileExistsBehavior: options.fileExistsBehavior }),
    ignoreApplicationStopFailures: false,
  };
}
