/**
 * `baton hosts upgrade [--group APP/GROUP] [--batch N]`: upgrades connected agents to the package this coordinator
 * serves, a batch at a time. A host with lifecycle work is upgraded once that work ends (the coordinator holds the
 * request); each batch must come back (reconnect with the new version) before the next starts, and a host that
 * fails or does not come back within the timeout stops the rollout, so a broken version never spreads past one
 * batch (its hosts fall back to their previous version on their own).
 */
import type { HostUpgradeView, UpgradeRequestedView } from '../../http/routes/host-upgrade.js';
import type { HostView } from '../../http/views.js';
import { ApiClientError, type ApiClient } from '../api-client.js';
import { CliError, type CliContext } from '../context.js';
import { formatTable } from '../format-table.js';
import type { Command } from 'commander';

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

/** Upgrades `hosts` batch by batch; stops after the first batch in which a host failed or timed out. */
export async function upgradeHosts(client: ApiClient, hosts: readonly HostView[], options: UpgradeOptions): Promise<HostUpgradeResult[]> {
  const results: HostUpgradeResult[] = [];
  for (let start = 0; start < hosts.length; start += options.batch) {
    const batch = hosts.slice(start, start + options.batch);
    options.progress(`batch ${start / options.batch + 1}: ${batch.map((host) => host.name).join(', ')}`);
    const outcomes = await Promise.all(batch.map((host) => upgradeHost(client, host, options)));
    for (const result of outcomes) options.progress(`  ${result.name}: ${result.outcome}${result.detail === '' ? '' : ` (${result.detail})`}`);
    results.push(...outcomes);
    if (outcomes.some((result) => result.outcome === 'timed out' || result.outcome === 'failed')) {
      options.progress('stopping: a host did not come back with the new version (it falls back to its previous one)');
      break;
    }
  }
  return results;
}

/**
 * Asks for one host's upgrade and follows it. The timeout runs from the moment the upgrade is sent: waiting for
 * the host's lifecycle work to end (a long deployment) does not count against it.
 */
async function upgradeHost(client: ApiClient, host: HostView, options: UpgradeOptions): Promise<HostUpgradeResult> {
  const path = `/api/v1/hosts/${encodeURIComponent(host.hostId)}/upgrade`;
  const result = (outcome: HostOutcome, detail = ''): HostUpgradeResult => ({ hostId: host.hostId, name: host.name, outcome, detail });
  let asked: UpgradeRequestedView;
  try {
    asked = await client.post<UpgradeRequestedView>(path);
  } catch (error) {
    if (error instanceof ApiClientError && error.code === 'HOST_OFFLINE') return result('skipped', error.message);
    throw error;
  }
  if (!asked.requested) return result('already current', asked.version);
  let deadline: number | undefined;
  let saidWaiting = false;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    const progress = await client.get<HostUpgradeView>(path);
    const upgrade = progress.lastUpgrade;
    if (upgrade?.version !== asked.version) return result('failed', 'the upgrade was replaced by another request');
    if (upgrade.state === 'upgraded' || (progress.online && progress.agentVersion === asked.version)) return result('upgraded', asked.version);
    if (upgrade.state === 'refused' || upgrade.state === 'failed') return result(upgrade.state, upgrade.message);
    if (upgrade.state === 'waiting') {
      if (!saidWaiting) options.progress(`  ${host.name}: waiting for its lifecycle events to end`);
      saidWaiting = true;
      continue;
    }
    deadline ??= Date.now() + options.timeoutMs;
    if (Date.now() > deadline) return result('timed out', `not back on ${asked.version} within ${options.timeoutMs / 1000} s`);
  }
}

export function registerHostUpgradeCommand(hosts: Command, context: CliContext): void {
  hosts
    .command('upgrade')
    .description('upgrade agents to the version this coordinator serves, a batch at a time')
    .option('--group <app/group>', 'only the hosts of this deployment group')
    .option('--batch <n>', 'hosts upgraded at once', '1')
    .option('--timeout <seconds>', 'how long each host has, once sent its upgrade, to come back with the new version', '180')
    .action(async (flags: { group?: string; batch: string; timeout: string }) => {
      const batch = positiveInteger(flags.batch, '--batch');
      const timeoutMs = positiveInteger(flags.timeout, '--timeout') * 1000;
      const client = context.client();
      const all = await hostsToUpgrade(client, flags.group);
      const online = all.filter((host) => host.online);
      if (online.length < all.length) context.io.stderr(`${all.length - online.length} offline host(s) left out\n`);
      const results = await upgradeHosts(client, online, { batch, timeoutMs, pollMs: 1000, progress: (line) => context.io.stderr(`${line}\n`) });
      context.print(results, () => formatTable(['name', 'host id', 'outcome', 'detail'], results.map((r) => [r.name, r.hostId, r.outcome, r.detail])));
      const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'timed out');
      if (failed.length > 0) throw new CliError('UPGRADE_FAILED', `${failed.map((r) => r.name).join(', ')} did not upgrade; see above`);
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
