import { parseDuration } from '@baton/shared';
import type { AuditEntryView } from '../../http/routes/audit.js';
import { CliError, type RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';

/** `baton audit`: the log of changes made through the API and the dashboard, newest first. */
export const registerAuditCommand: RegisterCommands = (program, context) => {
  program
    .command('audit')
    .description('show who changed what, when and from where (needs an unlimited admin token)')
    .option('--since <when>', 'only changes since a duration ago (1h, 7d) or an ISO time')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (options: { since?: string; limit: string }) => {
      const query = new URLSearchParams({ limit: options.limit });
      if (options.since !== undefined) query.set('since', parseSince(options.since, new Date()).toISOString());
      const entries = await context.client().get<AuditEntryView[]>(`/api/v1/audit?${query}`);
      context.print(entries, () =>
        formatTable(
          ['at', 'actor', 'action', 'target', 'status', 'from'],
          entries.map((entry) => [
            entry.at,
            entry.actor ? `${entry.actor.name} (${entry.actor.tokenId})` : '-',
            entry.action,
            entry.target ?? '-',
            entry.status === undefined ? '-' : String(entry.status),
            formatSource(entry.source),
          ]),
        ),
      );
    });
};

/** `1h` means an hour before `now`; anything else must be a time `Date` understands. */
function parseSince(text: string, now: Date): Date {
  const duration = parseDuration(text);
  if (duration.ok) return new Date(now.getTime() - duration.value);
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new CliError('INVALID_ARGUMENT', `--since: expected a duration such as 1h or an ISO time, got '${text}'`);
  return new Date(time);
}

/** `10.0.0.7 (for 203.0.113.9)` for a request that came through a proxy, `dashboard 10.0.0.7` for the dashboard. */
function formatSource(source: AuditEntryView['source']): string {
  const address = `${source.address ?? '?'}${source.forwardedFor ? ` (for ${source.forwardedFor})` : ''}`;
  return source.channel === 'api' ? address : `${source.channel} ${address}`;
}
