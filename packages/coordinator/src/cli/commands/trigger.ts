import { TriggerEvent, TriggerFormat } from '@baton/shared';
import { Option } from 'commander';
import type { CreatedTriggerView, DeliveryView, TriggerView } from '../../notifications/trigger-views.js';
import { CliError, type RegisterCommands } from '../context.js';
import { formatTable } from '../format-table.js';

const triggersPath = (app: string, group: string) =>
  `/api/v1/applications/${encodeURIComponent(app)}/deployment-groups/${encodeURIComponent(group)}/triggers`;
const deliveriesPath = (app: string, group: string, limit: string) =>
  `/api/v1/applications/${encodeURIComponent(app)}/deployment-groups/${encodeURIComponent(group)}/trigger-deliveries?limit=${encodeURIComponent(limit)}`;

interface CreateOptions {
  webhookUrl: string;
  events: string;
  name?: string;
  format?: TriggerFormat;
  secret?: string;
}

/**
 * `baton trigger create|list|delete|deliveries`: webhooks a group sends on deployment and instance events. A
 * group file sets the same triggers (`triggers:`); see docs/notifications.md.
 */
export const registerTriggerCommands: RegisterCommands = (program, context) => {
  const triggers = program.command('trigger').description("manage a deployment group's notifications (webhooks)");

  triggers
    .command('create')
    .description('add a webhook sent on the given events; without --secret the coordinator makes one and prints it once')
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    // Not `--url`: that global option names the coordinator, and commander reads it after subcommands too.
    .requiredOption('--webhook-url <url>', 'where to POST (http or https)')
    .requiredOption('--events <events>', `comma-separated, or "all": ${TriggerEvent.options.join(', ')}`)
    .option('--name <name>', "the trigger's name (default: the URL's host name)")
    .addOption(new Option('--format <format>', 'json (Baton\'s body) or slack ({"text": …})').choices(TriggerFormat.options))
    .addOption(new Option('--secret <secret>', 'sign with this secret (at least 16 characters)').env('BATON_TRIGGER_SECRET'))
    .action(async (app: string, group: string, options: CreateOptions) => {
      const body = {
        url: options.webhookUrl,
        events: parseEvents(options.events),
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.format === undefined ? {} : { format: options.format }),
        ...(options.secret === undefined ? {} : { secret: options.secret }),
      };
      const created = await context.client().post<CreatedTriggerView>(triggersPath(app, group), body);
      context.print(created, () =>
        [
          `created trigger ${created.name} of ${app}/${group}: ${created.events.join(', ')} → ${created.url}`,
          created.secret === null ? `signing with the given secret (${created.secretRef})` : `signing secret (${created.secretRef}), shown only now: ${created.secret}`,
        ].join('\n'),
      );
    });

  triggers
    .command('list')
    .description("list a group's triggers (never their secrets)")
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .action(async (app: string, group: string) => {
      const list = await context.client().get<TriggerView[]>(triggersPath(app, group));
      context.print(list, () =>
        formatTable(
          ['name', 'format', 'events', 'url', 'secret'],
          list.map((trigger) => [trigger.name, trigger.format ?? 'json', trigger.events.join(','), trigger.url, trigger.secretRef]),
        ),
      );
    });

  triggers
    .command('delete')
    .description('delete a trigger and its delivery log')
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .argument('<name>', 'trigger name')
    .action(async (app: string, group: string, name: string) => {
      await context.client().delete<void>(`${triggersPath(app, group)}/${encodeURIComponent(name)}`);
      context.print({ deleted: name }, () => `deleted trigger ${name} of ${app}/${group}`);
    });

  triggers
    .command('deliveries')
    .description("the group's webhook deliveries, newest first: status, attempts, last response")
    .argument('<app>', 'application name')
    .argument('<group>', 'group name')
    .option('--limit <count>', 'how many', '50')
    .action(async (app: string, group: string, options: { limit: string }) => {
      const list = await context.client().get<DeliveryView[]>(deliveriesPath(app, group, options.limit));
      context.print(list, () =>
        formatTable(
          ['created', 'trigger', 'event', 'deployment', 'status', 'attempts', 'last response', 'delivery'],
          list.map((delivery) => [
            delivery.createdAt,
            delivery.trigger,
            delivery.event,
            delivery.deploymentId,
            delivery.status === 'pending' && delivery.nextAttemptAt ? `pending (next ${delivery.nextAttemptAt})` : delivery.status,
            String(delivery.attempts),
            delivery.lastError ?? (delivery.lastStatusCode === null ? '-' : String(delivery.lastStatusCode)),
            delivery.deliveryId,
          ]),
        ),
      );
    });
};

/** `DeploymentFailure,InstanceFailure` or `all`; a misspelt event is refused here, with the list of names. */
function parseEvents(text: string): TriggerEvent[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 1 && names[0] === 'all') return [...TriggerEvent.options];
  const unknown = names.filter((name) => !TriggerEvent.safeParse(name).success);
  if (unknown.length > 0 || names.length === 0) {
    throw new CliError('INVALID_ARGUMENT', `--events: unknown ${unknown.join(', ') || '(none given)'}; use ${TriggerEvent.options.join(', ')} or all`);
  }
  return names as TriggerEvent[];
}
