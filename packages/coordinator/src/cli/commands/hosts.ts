import type { HostMetricsSample } from '@baton/shared';
import type { HostMetricsView, LatestHostMetricsView } from '../../health/host-metrics-routes.js';
import type { HostUpgradeView } from '../../http/routes/host-upgrade.js';
import type { HostView } from '../../http/views.js';
import type { ApiClient } from '../api-client.js';
import { CliError, type RegisterCommands } from '../context.js';
import { formatTable, formatTags } from '../format-table.js';
import { formatSparkline } from '../sparkline.js';
import { registerHostUpgradeCommand } from './hosts-upgrade.js';

/**
 * `baton hosts list|get|deregister|tag|upgrade`: the enrolled hosts, whether their agent is connected, their
 * recent metrics, and their tags.
 */
export const registerHostCommands: RegisterCommands = (program, context) => {
  const hosts = program.command('hosts').description('inspect, tag, deregister and upgrade enrolled hosts');

  hosts
    .command('list')
    .description('list enrolled hosts with their current CPU and memory use')
    .action(async () => {
      const client = context.client();
      const [list, latest] = await Promise.all([
        client.get<HostView[]>('/api/v1/hosts'),
        client.get<LatestHostMetricsView[]>('/api/v1/host-metrics'),
      ]);
      const sampleOf = new Map(latest.map(({ hostId, sample }) => [hostId, sample]));
      const summary = list.map(({ hostId, name, tags, online, agentVersion }) => {
        const sample = sampleOf.get(hostId);
        return { hostId, name, tags, online, agentVersion, cpuPercent: sample?.cpuPercent ?? null, memoryPercent: sample?.memoryPercent ?? null };
      });
      context.print(summary, () =>
        formatTable(
          ['name', 'host id', 'status', 'cpu', 'mem', 'agent', 'tags'],
          summary.map((host) => [
            host.name,
            host.hostId,
            host.online ? 'online' : 'offline',
            percent(host.cpuPercent),
            percent(host.memoryPercent),
            host.agentVersion ?? '-',
            formatTags(host.tags),
          ]),
        ),
      );
    });

  hosts
    .command('get')
    .description("show a host and its recent metrics (oldest to newest), by name or id")
    .argument('<host>', 'host name or id')
    .action(async (wanted: string) => {
      const client = context.client();
      const host = await findHost(client, wanted);
      const [{ samples }, { lastUpgrade }] = await Promise.all([
        client.get<HostMetricsView>(`/api/v1/hosts/${encodeURIComponent(host.hostId)}/metrics`),
        client.get<HostUpgradeView>(`/api/v1/hosts/${encodeURIComponent(host.hostId)}/upgrade`),
      ]);
      context.print({ ...host, lastUpgrade, metrics: samples }, () => renderHost(host, lastUpgrade, samples));
    });

  hosts
    .command('deregister')
    .description('deregister a host: revoke its credential and close its connection (its deployment history stays)')
    .argument('<host>', 'host name or id')
    .action(async (wanted: string) => {
      const client = context.client();
      const host = await findHost(client, wanted);
      const gone = await client.delete<HostView>(hostPath(host.hostId));
      context.print(gone, () => `deregistered host ${gone.name} (${gone.hostId})`);
    });

  hosts
    .command('tag')
    .description("set a host's tags (key=value...) and remove others (--remove key); it moves between groups from the next deployment")
    .argument('<host>', 'host name or id')
    .argument('[tags...]', 'tags to set, key=value')
    .option('--remove <key>', 'a tag key to remove (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .action(async (wanted: string, pairs: string[], options: { remove: string[] }) => {
      if (pairs.length === 0 && options.remove.length === 0) throw new CliError('INVALID_ARGUMENT', 'give tags to set (key=value) or --remove key');
      const client = context.client();
      const host = await findHost(client, wanted);
      const set = Object.fromEntries(pairs.map(parseTagPair));
      const updated = await client.patch<HostView>(`${hostPath(host.hostId)}/tags`, { set, remove: options.remove });
      context.print(updated, () => `${updated.name} (${updated.hostId}): ${formatTags(updated.tags)}`);
    });

  registerHostUpgradeCommand(hosts, context);
};

const hostPath = (hostId: string) => `/api/v1/hosts/${encodeURIComponent(hostId)}`;

function parseTagPair(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new CliError('INVALID_ARGUMENT', `tag "${pair}": expected key=value`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** A host by name or id; a name several hosts share is refused with their ids. */
async function findHost(client: ApiClient, wanted: string): Promise<HostView> {
  const list = await client.get<HostView[]>('/api/v1/hosts');
  const matches = list.filter((host) => host.hostId === wanted || host.name === wanted);
  if (matches.length === 0) throw new CliError('NOT_FOUND', `no host named or with id '${wanted}'`);
  if (matches.length > 1) throw new CliError('AMBIGUOUS', `${matches.length} hosts are named '${wanted}': use a host id (${matches.map((h) => h.hostId).join(', ')})`);
  return matches[0]!;
}

const METRIC_ROWS: readonly { label: string; field: Exclude<keyof HostMetricsSample, 'at'>; scale?: number }[] = [
  { label: 'cpu %', field: 'cpuPercent', scale: 100 },
  { label: 'memory %', field: 'memoryPercent', scale: 100 },
  { label: 'disk %', field: 'diskPercent', scale: 100 },
  // The load has no fixed top: the line is scaled to its own maximum.
  { label: 'load (1 min)', field: 'load1' },
];

function renderHost(host: HostView, lastUpgrade: HostUpgradeView['lastUpgrade'], samples: readonly HostMetricsSample[]): string {
  const facts: [string, string][] = [
    ['name', host.name],
    ['host id', host.hostId],
    ['status', host.online ? 'online' : 'offline'],
    ['agent', host.agentVersion ?? '-'],
    ['last upgrade', lastUpgrade ? `${lastUpgrade.version}: ${lastUpgrade.state} at ${lastUpgrade.updatedAt} (${lastUpgrade.message})` : '-'],
    ['tags', formatTags(host.tags)],
  ];
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return `${formatFacts(facts)}\n\nNo metrics received yet.`;
  const metrics = METRIC_ROWS.map(({ label, field, scale }) => {
    const values = samples.map((sample) => sample[field]);
    return [label, String(last[field]), formatSparkline(values, scale)];
  });
  return [
    formatFacts(facts),
    '',
    `${samples.length} sample(s) from ${first.at} to ${last.at}:`,
    formatTable(['metric', 'now', 'history'], metrics),
  ].join('\n');
}

const formatFacts = (facts: readonly [string, string][]): string => {
  const width = Math.max(...facts.map(([label]) => label.length));
  return facts.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
};

const percent = (value: number | null): string => (value === null ? '-' : `${value.toFixed(1)}%`);
