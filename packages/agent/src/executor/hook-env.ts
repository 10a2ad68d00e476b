import type { LifecycleEventName, RevisionSource, RunEvent } from '@baton/shared';

export interface HookEnvSettings {
  /** The agent's `env` setting, given to every script. */
  env: Readonly<Record<string, string>>;
  filesRoot?: string;
}

/**
 * The variables a hook script sees on top of the agent's own environment (reference section 3), from weakest to
 * strongest: the deployment's variables and secrets (the application's, overridden by the group's), the host's
 * own `env` setting, then the reference's names, which always win so that a script can trust them.
 */
export function buildHookEnv(
  event: LifecycleEventName,
  { deployment, variables, secrets }: Pick<RunEvent, 'deployment' | 'variables' | 'secrets'>,
  settings: HookEnvSettings,
): Record<string, string> {
  return {
    ...variables,
    ...secrets,
    ...settings.env,
    ...(settings.filesRoot === undefined ? {} : { BATON_FILES_ROOT: settings.filesRoot }),
    LIFECYCLE_EVENT: event,
    DEPLOYMENT_ID: deployment.deploymentId,
    APPLICATION_NAME: deployment.applicationName,
    DEPLOYMENT_GROUP_NAME: deployment.deploymentGroupName,
    DEPLOYMENT_GROUP_ID: deployment.deploymentGroupId,
    ...sourceVariables(deployment.revision.source),
  };
}

/**
 * Where the revision came from: S3 revisions add `BUNDLE_BUCKET`, `BUNDLE_KEY`, `BUNDLE_VERSION` (versioned
 * buckets only) and `BUNDLE_ETAG`; Git revisions add `BUNDLE_COMMIT`. Uploads and URLs add nothing.
 */
function sourceVariables(source: RevisionSource | undefined): Record<string, string> {
  if (source?.type === 's3') {
    return {
      BUNDLE_BUCKET: source.bucket,
      BUNDLE_KEY: source.key,
      ...(source.versionId === undefined ? {} : { BUNDLE_VERSION: source.versionId }),
      ...(source.etag === undefined ? {} : { BUNDLE_ETAG: source.etag }),
    };
  }
  if (source?.type === 'git') return { BUNDLE_COMMIT: source.commit };
  return {};
}
