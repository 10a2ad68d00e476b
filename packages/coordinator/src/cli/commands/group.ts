import {
  parseMinimumHealthyHostsFlag,
  parseTagFlag,
  parseTagGroupFlag,
  type HostSelector,
  type MinimumHealthyHosts,
  type Result,
} from '@baton/shared';
import { Option } from 'commander';
import type { DeploymentGroupDetailView, DeploymentGroupView } from '../../http/views.js';
import { CliError, type RegisterCommands } from '../context.js';
import { formatTable, formatTags } from '../format-table.js';

interface CreateOptions {
  tag: string[];
  tagGroup: string[];
  config?: string;
  minHealthy?: string;
  autoRollback?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const groupsPath = (app: string) => `/api/v1/applications/${encodeURIComponent(app)}/deployment-groups`;

/** `baton group create|get|list`: deployment groups select hosts by tags. */
export const registerGroupCommands: RegisterCommands = (program, context) => {
  const groups = program.command('group').description('manage deployment groups');

  groups
    .command('create')
    .description('create a deployment group')
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .option('--tag <filter>', 'select hosts with any of these tags: key=value, key or =value (repeatable)', collect, [])
    .option('--tag-group <filters>', 'a group of a tag set: "k=v,k2"; hosts must match every group (repeatable)', collect, [])
    .addOption(new Option('--config <name>', 'deployment configuration, e.g. CodeDeployDefault.HalfAtATime').conflicts('minHealthy'))
    .option('--min-healthy <minimum>', 'custom minimum healthy hosts: HOST_COUNT:N or FLEET_PERCENT:N')
    .option('--auto-rollback', 'roll back automatically when a deployment fails')
    .action(async (app: string, name: string, options: CreateOptions) => {
      const body = {
        name,
        hostSelector: toHostSelector(options),
        ...toDeploymentConfig(options),
        autoRollback: options.autoRollback === true,
      };
      const created = await context.client().post<DeploymentGroupDetailView>(groupsPath(app), body);
      context.print(created, () => renderGroup(created));
    });

  groups
    .command('get')
    .description('show a deployment group and the hosts it selects now')
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .action(async (app: string, name: string) => {
      const group = await context.client().get<DeploymentGroupDetailView>(`${groupsPath(app)}/${encodeURIComponent(name)}`);
      context.print(group, () => renderGroup(group));
    });

  groups
    .command('list')
    .description("list an application's deployment groups")
    .argument('<app>', 'application name')
    .action(async (app: string) => {
      const list = await context.client().get<DeploymentGroupView[]>(groupsPath(app));
      context.print(list, () =>
        formatTable(
          ['name', 'group id', 'configuration', 'auto rollback'],
          list.map((group) => [
            group.name,
            group.deploymentGroupId,
            group.deploymentConfig.name,
            group.autoRollback ? 'yes' : 'no',
          ]),
        ),
      );
    });
};

function toHostSelector(options: CreateOptions): HostSelector {
  return {
    tagFilters: options.tag.map((flag) => unwrap('--tag', parseTagFlag(flag))),
    tagSet: options.tagGroup.map((flag) => unwrap('--tag-group', parseTagGroupFlag(flag))),
  };
}

type DeploymentConfigInput = string | { minimumHealthyHosts: MinimumHealthyHosts };

function toDeploymentConfig(options: CreateOptions): { deploymentConfig?: DeploymentConfigInput } {
  if (options.config !== undefined) return { deploymentConfig: options.config };
  if (options.minHealthy !== undefined) {
    const minimumHealthyHosts = unwrap('--min-healthy', parseMinimumHealthyHostsFlag(options.minHealthy));
    return { deploymentConfig: { minimumHealthyHosts } };
  }
  return {};
}

function unwrap<T>(flag: string, result: Result<T, string>): T {
  if (!result.ok) throw new CliError('INVALID_ARGUMENT', `${flag}: ${result.error}`);
  return result.value;
}

function renderGroup(group: DeploymentGroupDetailView): string {
  const lines = [
    `${group.applicationName}/${group.name} (${group.deploymentGroupId})`,
    `configuration: ${group.deploymentConfig.name}`,
    `auto rollback: ${group.autoRollback ? 'yes' : 'no'}`,
    `hosts: ${group.hosts.length}`,
  ];
  if (group.hosts.length === 0) return lines.join('\n');
  const table = formatTable(
    ['name', 'host id', 'status', 'tags'],
    group.hosts.map((host) => [host.name, host.hostId, host.online ? 'online' : 'offline', formatTags(host.tags)]),
  );
  return [...lines, '', table].join('\n');
}
