import { readFile } from 'node:fs/promises';
import {
  AutoRollbackEvent,
  err,
  ok,
  OutdatedInstancesStrategy,
  parseMinimumHealthyHostsFlag,
  parseTagFlag,
  parseTagGroupFlag,
  type HostSelector,
  type MinimumHealthyHosts,
  type Result,
} from '@baton/shared';
import { Option, type Command } from 'commander';
import { parse, stringify } from 'yaml';
import type { GroupSpecNotice } from '../../group-spec/check-group-spec.js';
import type {
  DeploymentGroupDetailView,
  DeploymentGroupView,
  DeploymentGroupWrittenView,
  GroupFileAppliedView,
} from '../../http/views.js';
import { CliError, type CliIo, type RegisterCommands } from '../context.js';
import { formatTable, formatTags } from '../format-table.js';
import { toGroupFile } from '../to-group-file.js';

interface CreateOptions {
  tag: string[];
  tagGroup: string[];
  config?: string;
  minHealthy?: string;
  autoRollback?: boolean;
  autoRollbackEvents?: string;
  outdatedInstances?: OutdatedInstancesStrategy;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const groupsPath = (app: string) => `/api/v1/applications/${encodeURIComponent(app)}/deployment-groups`;
const groupPath = (app: string, group: string) => `${groupsPath(app)}/${encodeURIComponent(group)}`;

/** The flags that set a group's settings, shared by `create` and `update`. */
function withSettingsOptions(command: Command): Command {
  return command
    .option('--tag <filter>', 'select hosts with any of these tags: key=value, key or =value (repeatable)', collect, [])
    .option('--tag-group <filters>', 'a group of a tag set: "k=v,k2"; hosts must match every group (repeatable)', collect, [])
    .addOption(new Option('--config <name>', 'deployment configuration, e.g. CodeDeployDefault.HalfAtATime').conflicts('minHealthy'))
    .option('--min-healthy <minimum>', 'custom minimum healthy hosts: HOST_COUNT:N or FLEET_PERCENT:N')
    .option('--auto-rollback', 'roll back automatically when a deployment fails (--auto-rollback-events DEPLOYMENT_FAILURE)')
    .addOption(
      new Option('--auto-rollback-events <events>', `comma-separated events that roll back automatically: ${AutoRollbackEvent.options.join(', ')}`).conflicts(
        'autoRollback',
      ),
    )
    .addOption(
      new Option('--outdated-instances <rule>', 'hosts that join during a deployment: UPDATE them afterwards or IGNORE them').choices(
        OutdatedInstancesStrategy.options,
      ),
    );
}

/**
 * `baton group create|update|delete|apply|get|list`: deployment groups select hosts by tags. Flags cover the simple cases;
 * strategies, traffic routers, health checks and alarms are written in a group file (`apply -f`).
 */
export const registerGroupCommands: RegisterCommands = (program, context) => {
  const groups = program.command('group').description('manage deployment groups');

  withSettingsOptions(
    groups
      .command('create')
      .description('create a deployment group')
      .argument('<app>', 'application name')
      .argument('<group>', 'group name'),
  ).action(async (app: string, name: string, options: CreateOptions) => {
    const body = {
      name,
      hostSelector: toHostSelector(options),
      ...toDeploymentConfig(options),
      ...toAutoRollback(options),
      ...(options.outdatedInstances ? { outdatedInstances: options.outdatedInstances } : {}),
    };
    const created = await context.client().post<DeploymentGroupWrittenView>(groupsPath(app), body);
    printWarnings(context.io, created.warnings);
    context.print(created, () => renderGroup(created));
  });

  withSettingsOptions(
    groups
      .command('update')
      .description('change the settings given by flags (the others are kept), or rename the group with --name')
      .argument('<app>', 'application name')
      .argument('<group>', 'group name')
      .option('--name <new-name>', 'rename the group'),
  ).action(async (app: string, name: string, options: CreateOptions & { name?: string }) => {
    const selects = options.tag.length > 0 || options.tagGroup.length > 0;
    const changesRollback = options.autoRollback !== undefined || options.autoRollbackEvents !== undefined;
    const body = {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(selects ? { hostSelector: toHostSelector(options) } : {}),
      ...toDeploymentConfig(options),
      ...(changesRollback ? toAutoRollback(options) : {}),
      ...(options.outdatedInstances ? { outdatedInstances: options.outdatedInstances } : {}),
    };
    if (Object.keys(body).length === 0) throw new CliError('INVALID_ARGUMENT', 'nothing to change: give --name or a setting flag');
    const updated = await context.client().patch<DeploymentGroupWrittenView>(groupPath(app, name), body);
    printWarnings(context.io, updated.warnings);
    context.print(updated, () => renderGroup(updated));
  });

  groups
    .command('delete')
    .description('delete a deployment group (refused while one of its deployments is unfinished; its history stays)')
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .action(async (app: string, name: string) => {
      await context.client().delete(groupPath(app, name));
      context.print({ deleted: `${app}/${name}` }, () => `deleted deployment group ${app}/${name}`);
    });

  groups
    .command('apply')
    .description('create a deployment group from a group file (YAML or JSON), or replace all its settings')
    .requiredOption('-f, --file <file>', 'the group file; see docs/group-file.md')
    .action(async (options: { file: string }) => {
      const groupFile = unwrap('--file', await readGroupFile(options.file));
      const applied = await context.client().put<GroupFileAppliedView>('/api/v1/group-files', groupFile);
      printWarnings(context.io, applied.warnings);
      context.print(applied, () =>
        [
          `${applied.outcome} deployment group ${applied.applicationName}/${applied.name} (${applied.deploymentGroupId})`,
          ...applied.triggerSecrets.map((made) => `signing secret of trigger ${made.trigger} (${made.secretRef}), shown only now: ${made.secret}`),
        ].join('\n'),
      );
    });

  groups
    .command('get')
    .description('show a deployment group and the hosts it selects now')
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .option('--yaml', 'print the group as a file that `baton group apply -f` accepts')
    .action(async (app: string, name: string, options: { yaml?: boolean }) => {
      const group = await context.client().get<DeploymentGroupDetailView>(groupPath(app, name));
      if (options.yaml) context.io.stdout(stringify(toGroupFile(group)));
      else context.print(group, () => renderGroup(group));
    });

  groups
    .command('list')
    .description("list an application's deployment groups")
    .argument('<app>', 'application name')
    .action(async (app: string) => {
      const list = await context.client().get<DeploymentGroupView[]>(groupsPath(app));
      context.print(list, () =>
        formatTable(
          ['name', 'group id', 'strategy', 'configuration', 'auto rollback'],
          list.map((group) => [
            group.name,
            group.deploymentGroupId,
            group.strategy.type,
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

/** `--auto-rollback-events ''` turns automatic rollback off; `--auto-rollback` is the common case's shorthand. */
function toAutoRollback(options: CreateOptions): { autoRollback: boolean } | { autoRollbackEvents: AutoRollbackEvent[] } {
  if (options.autoRollbackEvents === undefined) return { autoRollback: options.autoRollback === true };
  return { autoRollbackEvents: unwrap('--auto-rollback-events', parseEventsFlag(options.autoRollbackEvents)) };
}

function parseEventsFlag(flag: string): Result<AutoRollbackEvent[], string> {
  const names = flag.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.find((name) => !AutoRollbackEvent.safeParse(name).success);
  if (unknown !== undefined) return err(`unknown event "${unknown}"; expected ${AutoRollbackEvent.options.join(', ')}`);
  return ok(names.map((name) => AutoRollbackEvent.parse(name)));
}

/** A YAML or JSON file (JSON is YAML); the coordinator validates what it says. */
async function readGroupFile(path: string): Promise<Result<unknown, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return err(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return err(`${path} is not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  // An empty file parses as null: say so, rather than let the server describe a null body.
  if (document === null || document === undefined) return err(`${path} is empty: a group file needs at least application, name and hosts`);
  return ok(document);
}

/** On stderr, so that stdout stays the answer (and valid JSON under --json). */
function printWarnings(io: CliIo, warnings: readonly GroupSpecNotice[]): void {
  for (const warning of warnings) io.stderr(`warning: ${warning.field}: ${warning.message}\n`);
}

function unwrap<T>(flag: string, result: Result<T, string>): T {
  if (!result.ok) throw new CliError('INVALID_ARGUMENT', `${flag}: ${result.error}`);
  return result.value;
}

function renderGroup(group: DeploymentGroupDetailView): string {
  const lines = [
    `${group.applicationName}/${group.name} (${group.deploymentGroupId})`,
    `configuration: ${group.deploymentConfig.name}`,
    `strategy: ${group.strategy.type}`,
    `traffic router: ${group.trafficRouter ? `${group.trafficRouter.type}, backend ${group.trafficRouter.backend}` : 'none'}`,
    `health checks: ${group.healthChecks.length}, alarms: ${group.alarms.length}`,
    `auto rollback: ${group.autoRollbackEvents.length > 0 ? group.autoRollbackEvents.join(', ') : 'no'}`,
    `outdated instances: ${group.outdatedInstances}`,
    `hosts: ${group.hosts.length}`,
  ];
  if (group.hosts.length === 0) return lines.join('\n');
  const table = formatTable(
    ['name', 'host id', 'status', 'tags'],
    group.hosts.map((host) => [host.name, host.hostId, host.online ? 'online' : 'offline', formatTags(host.tags)]),
  );
  return [...lines, '', table].join('\n');
}
