import type { CreatedEnrollmentTokenView, EnrollmentTokenView } from '../../http/views.js';
import type { RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';
import { parseTtlSeconds } from '../parse-ttl.js';

const PATH = '/api/v1/enrollment-tokens';

/** `baton enroll-token create|list|revoke`: the tokens new hosts enroll with. */
export const registerEnrollTokenCommands: RegisterCommands = (program, context) => {
  const tokens = program.command('enroll-token').description('manage the tokens new hosts enroll with');

  tokens
    .command('create')
    .description('create a token; it can enroll any number of hosts until it expires')
    .option('--ttl <duration>', "how long it stays valid, e.g. 24h (default: the server's setting)")
    .action(async (options: { ttl?: string }) => {
      const body = options.ttl === undefined ? {} : { ttlSeconds: parseTtlSeconds(options.ttl) };
      const created = await context.client().post<CreatedEnrollmentTokenView>(PATH, body);
      // Text output is the token alone, so that `TOKEN=$(baton enroll-token create)` works.
      context.print(created, () => created.token);
    });

  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const list = await context.client().get<EnrollmentTokenView[]>(PATH);
      context.print(list, () =>
        formatTable(
          ['id', 'state', 'expires', 'created'],
          list.map((token) => [token.id, token.state, token.expiresAt, token.createdAt]),
        ),
      );
    });

  tokens
    .command('revoke')
    .description('revoke a token: hosts already enrolled keep working')
    .argument('<id>', 'token id')
    .action(async (id: string) => {
      const revoked = await context.client().delete<EnrollmentTokenView>(`${PATH}/${encodeURIComponent(id)}`);
      context.print(revoked, () => `revoked ${revoked.id}`);
    });
};
