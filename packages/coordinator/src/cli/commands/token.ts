import { Option } from 'commander';
import type { ApiTokenView, CreatedApiTokenView } from '../../http/routes/tokens.js';
import type { RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';
import { parseTtlSeconds } from '../parse-ttl.js';

const PATH = '/api/v1/tokens';

/** `baton token create|list|revoke`: API tokens with a role, for people and CI. Needs an unlimited admin token. */
export const registerTokenCommands: RegisterCommands = (program, context) => {
  const tokens = program.command('token').description('manage API tokens (roles admin, deployer, viewer)');

  tokens
    .command('create')
    .description('create an API token; its text is shown once')
    .addOption(new Option('--role <role>', 'what it may do').choices(['admin', 'deployer', 'viewer']).makeOptionMandatory())
    .option('--name <name>', 'who or what uses it (default: the role)')
    .option('--app <name>', 'limit it to this application (repeatable)', (name: string, names: string[]) => [...names, name], [])
    .option('--ttl <duration>', 'how long it stays valid, e.g. 30d (default: until revoked)')
    .action(async (options: { role: string; name?: string; app: string[]; ttl?: string }) => {
      const created = await context.client().post<CreatedApiTokenView>(PATH, {
        role: options.role,
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.app.length === 0 ? {} : { applications: options.app }),
        ...(options.ttl === undefined ? {} : { ttlSeconds: parseTtlSeconds(options.ttl) }),
      });
      // Text output is the token alone, so that `TOKEN=$(baton token create --role viewer)` works.
      context.print(created, () => created.token);
    });

  tokens
    .command('list')
    .description('list API tokens (never their secrets)')
    .action(async () => {
      const list = await context.client().get<ApiTokenView[]>(PATH);
      context.print(list, () =>
        formatTable(
          ['id', 'name', 'role', 'applications', 'state', 'expires', 'created'],
          list.map((token) => [
            token.id,
            token.name,
            token.role,
            token.applications?.join(',') ?? '*',
            token.state,
            token.expiresAt ?? '-',
            token.createdAt,
          ]),
        ),
      );
    });

  tokens
    .command('revoke')
    .description('revoke an API token at once')
    .argument('<id>', 'token id')
    .action(async (id: string) => {
      const revoked = await context.client().delete<ApiTokenView>(`${PATH}/${encodeURIComponent(id)}`);
      context.print(revoked, () => `revoked ${revoked.id}`);
    });
};
