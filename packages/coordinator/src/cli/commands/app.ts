import type { ApplicationView } from '../../http/views.js';
import type { RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';

/** `baton app create|list|update|delete`. */
export const registerAppCommands: RegisterCommands = (program, context) => {
  const apps = program.command('app').description('manage applications');

  apps
    .command('create')
    .description('create an application')
    .argument('<name>', 'application name')
    .action(async (name: string) => {
      const created = await context.client().post<ApplicationView>('/api/v1/applications', { name });
      context.print(created, () => `created application ${created.name} (${created.applicationId})`);
    });

  apps
    .command('list')
    .description('list applications')
    .action(async () => {
      const list = await context.client().get<ApplicationView[]>('/api/v1/applications');
      context.print(list, () =>
        formatTable(
          ['name', 'application id', 'created'],
          list.map((app) => [app.name, app.applicationId, app.createdAt]),
        ),
      );
    });

  apps
    .command('update')
    .description('rename an application (its groups, revisions and deployments follow it)')
    .argument('<name>', 'application name')
    .requiredOption('--name <new-name>', 'the new name')
    .action(async (name: string, options: { name: string }) => {
      const renamed = await context.client().patch<ApplicationView>(appPath(name), { name: options.name });
      context.print(renamed, () => `renamed application ${name} to ${renamed.name} (${renamed.applicationId})`);
    });

  apps
    .command('delete')
    .description('delete an application; refused while it has groups (unless --force) or unfinished deployments')
    .argument('<name>', 'application name')
    .option('--force', 'also delete its deployment groups')
    .action(async (name: string, options: { force?: boolean }) => {
      await context.client().delete(`${appPath(name)}${options.force ? '?force' : ''}`);
      context.print({ deleted: name }, () => `deleted application ${name}`);
    });
};

const appPath = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;
