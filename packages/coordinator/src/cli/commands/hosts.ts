import type { HostView } from '../../http/views.js';
import type { RegisterCommands } from '../context.js';
import { formatTable, formatTags } from '../format-table.js';

/** `baton hosts list`: the enrolled hosts and whether their agent is connected. */
export const registerHostCommands: RegisterCommands = (program, context) => {
  const hosts = program.command('hosts').description('inspect enrolled hosts');

  hosts
    .command('list')
    .description('list enrolled hosts')
    .action(async () => {
      const list = await context.client().get<HostView[]>('/api/v1/hosts');
      const summary = list.map(({ hostId, name, tags, online, agentVersion }) => ({ hostId, name, tags, online, agentVersion }));
      context.print(summary, () =>
        formatTable(
          ['name', 'host id', 'status', 'agent', 'tags'],
          list.map((host) => [
            host.name,
            host.hostId,
            host.online ? 'online' : 'offline',
            host.agentVersion ?? '-',
            formatTags(host.tags),
          ]),
        ),
      );
    });
};
