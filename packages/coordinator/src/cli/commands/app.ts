import type { ApplicationView } from '../../http/views.js';
import type { RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';

/** `baton app create|list`. */
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
};
