/**
 * `baton hosts upgrade [--group APP/GROUP] [--batch N]`: upgrades connected agents to the package this coordinator
 * serves, a batch at a time. Each batch must come back (reconnect with the new version) before the next starts;
 * a host that does not within the timeout stops the rollout, so a broken version never spreads past one batch.
 * Hosts in an active deployment are skipped (the coordinator refuses them), to be upgraded by a later run.
 */
import type { HostView } from '../../http/views.js';
import { ApiClientError, type ApiClient } from '../api-client.js';
import { CliError, type CliContext } from '../context.js';
import { formatTable } from '../format-table.js';
import type { Command } from 'commander';

interface UpgradeSent {
  readonly version: string;
  readonly sent: boolean;
}

interface UpgradeProgress {
  readonly agentVersion: string | null;
  readonly online: boolean;
  readonly lastStatus: { version: string; state: 'starting' | 'refused' | 'failed'; message: string } | null;
}

export type HostOutcome = 'upgraded' | 'already current' | 'skipped' | 'refused' | 'failed' | 'timed out';

export interface HostUpgradeResult {
  readonly hostId: string;
  readonly name: string;
  readonly outcome: HostOutcome;
  readonly detail: string;
}

export interface UpgradeOptions {
  readonly batch: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly progress: (line: string) => void;
}

/** Upgrades `hosts` batch by batch; stops after the first batch in which a host timed out. */
export async function upgradeHosts(client: ApiClient, hosts: readonly HostView[], options: UpgradeOptions): Promise<HostUpgradeResult[]> {
  const results: HostUpgradeResult[] = [];
  for (let start = 0; start < hosts.length; start += options.batch) {
    const batch = hosts.slice(start, start + options.batch);
    options.progress(`batch ${start / options.batch + 1}: ${batch.map((host) => host.name).join(', ')}`);
    const outcomes = await Promise.all(batch.map((host) => upgradeHost(client, host, options)));
    for (const result of outcomes) options.progress(`  ${result.name}: ${result.outcome}${result.detail === '' ? '' : ` (${result.detail})`}`);
    results.push(...outcomes);
    if (outcomes.some((result) => result.outcome === 'timed out')) {
      options.progress('stopping: a host did not come back with the new version (it falls back to its previous one)');
      break;
    }
  }
  return results;
}

async function upgradeHost(client: ApiClient, host: HostView, options: UpgradeOptions): Promise<HostUpgradeResult> {
  const path = `/api/v1/hosts/${encodeURIComponent(host.hostId)}/upgrade`;
  const result = (outcome: HostOutcome, detail = ''): HostUpgradeResult => ({ hostId: host.hostId, name: host.name, outcome, detail });
  let sent: UpgradeSent;
  try {
    sent = await client.post<UpgradeSent>(path);
  } catch (error) {
    if (error instanceof ApiClientError && (error.code === 'HOST_BUSY' || error.code === 'HOST_OFFLINE')) return result('skipped', error.message);
    throw error;
  }
  if (!sent.sent) return result('already current', sent.version);
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    const progress = await client.get<UpgradeProgress>(path);
    if (progress.online && progress.agentVersion === sent.version) return result('upgraded', sent.version);
    const answer = progress.lastStatus;
    if (answer?.version === sent.version && (answer.state === 'refused' || answer.state === 'failed')) return result(answer.state, answer.message);
  }
  return result('timed out', `not back on ${sent.version} within ${options.timeoutMs / 1000} s`);
}

export function registerHostUpgradeCommand(hosts: Command, context: CliContext): void {
  hosts
    .command('upgrade')
    .description('upgrade agents to the version this coordinator serves, a batch at a time')
    .option('--group <app/group>', 'only the hosts of this deployment group')
    .option('--batch <n>', 'hosts upgraded at once (default 1)', '1')
    .option('--timeout <seconds>', 'how long each host has to come back with the new version (default 180)', '180')
    .action(async (flags: { group?: string; batch: string; timeout: string }) => {
      const batch = positiveInteger(flags.batch, '--batch');
      const timeoutMs = positiveInteger(flags.timeout, '--timeout') * 1000;
      const client = context.client();
      const all = await hostsToUpgrade(client, flags.group);
      const online = all.filter((host) => host.online);
      if (online.length < all.length) context.io.stderr(`${all.length - online.length} offline host(s) left out\n`);
      const results = await upgradeHosts(client, online, { batch, timeoutMs, pollMs: 1000, progress: (line) => context.io.stderr(`${line}\n`) });
      context.print(results, () => formatTable(['name', 'host id', 'outcome', 'detail'], results.map((r) => [r.name, r.hostId, r.outcome, r.detail])));
      if (results.some((r) => r.outcome === 'failed' || r.outcome === 'timed out')) process.exitCode = 1;
    });
}

async function hostsToUpgrade(client: ApiClient, group: string | undefined): Promise<HostView[]> {
  if (group === undefined) return client.get<HostView[]>('/api/v1/hosts');
  const [app, name, ...rest] = group.split('/');
  if (app === undefined || name === undefined || rest.length > 0 || app === '' || name === '') {
    throw new CliError('VALIDATION_ERROR', `--group takes APPLICATION/GROUP, not '${group}'`);
  }
  const detail = await client.get<{ hosts: HostView[] }>(`/api/v1/applications/${encodeURIComponent(app)}/deployment-groups/${encodeURIComponent(name)}`);
  return detail.hosts;
}

function positiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new CliError('VALIDATION_ERROR', `${flag} takes a positive integer, not '${value}'`);
  return parsed;
}
