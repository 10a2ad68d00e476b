import { resolveDeploymentConfig, type DeploymentConfig, type GroupFileInput, type HostSelector } from '@baton/shared';
import type { TriggerFile } from '../group-spec/format-group-spec.js';
import type { DeploymentGroupView } from '../http/views.js';

/**
 * The group as a file `baton group apply -f` accepts (`baton group get --yaml`). The view's strategy settings
 * are already in the file's form; only the selector and the configuration are written differently.
 */
export function toGroupFile(group: DeploymentGroupView & { readonly triggers?: readonly TriggerFile[] }): GroupFileInput {
  return {
    application: group.applicationName,
    name: group.name,
    hosts: toHostsSpec(group.hostSelector),
    deploymentConfig: toDeploymentConfigInput(group.deploymentConfig),
    strategy: group.strategy,
    ...(group.trafficRouter ? { trafficRouter: group.trafficRouter } : {}),
    healthChecks: [...group.healthChecks],
    alarms: [...group.alarms],
    autoRollback: { events: [...group.autoRollbackEvents] },
    outdatedInstances: group.outdatedInstances,
    // A group's detail has its triggers; applying a file without them would delete them.
    ...(group.triggers ? { triggers: [...group.triggers] } : {}),
  };
}

/** A group file needs one of the two; a selector with neither (it selects no host) is written as `tags: []`. */
function toHostsSpec(selector: HostSelector): GroupFileInput['hosts'] {
  return selector.tagSet.length > 0 ? { tagSet: selector.tagSet } : { tags: selector.tagFilters };
}

/** A predefined configuration by its name; a custom one by its minimum, from which the API derives the name. */
function toDeploymentConfigInput(config: DeploymentConfig): GroupFileInput['deploymentConfig'] {
  const rule = config.minimumHealthyHosts;
  if (rule.type === 'ALL_BUT_ONE' || resolveDeploymentConfig(config.name).ok) return config.name;
  return { minimumHealthyHosts: rule };
}
