/**
 * `baton-agent logs`: the agent's log and the deployments' hook output, merged in time order and filtered; with
 * `--follow`, keeps printing new lines (polling every 200 ms) until interrupted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '@baton/shared';
import { resolveLayout } from '../../layout.js';
import { formatRecord } from '../../logs/format-record.js';
import { matchesFilter, sortByTime, type LogFilter } from '../../logs/log-filter.js';
import type { LogRecord } from '../../logs/log-record.js';
import { LogTail } from '../../logs/log-tail.js';
import { failUsage } from './usage.js';

export interface LogsFlags {
  deployment?: string;
  event?: string;
  since?: string;
  follow?: boolean;
  json?: boolean;
  root?: string;
}

const FOLLOW_POLL_MS = 200;

export async function logs(flags: LogsFlags): Promise<void> {
  const since = flags.since === undefined ? undefined : parseDuration(flags.since);
  if (since !== undefined && !since.ok) return failUsage([`--since: ${since.error}`]);
  const filter: LogFilter = {
    ...(flags.deployment === undefined ? {} : { deploymentId: flags.deployment }),
    ...(flags.event === undefined ? {} : { event: flags.event }),
    ...(since === undefined ? {} : { since: new Date(Date.now() - since.value).toISOString() }),
  };
  const tail = new LogTail(resolveLayout(flags.root ?? ''), flags.deployment);
  const colour = !flags.json && process.stdout.isTTY === true;
  const print = (records: readonly LogRecord[]): void => {
    const lines = sortByTime(records.filter((record) => matchesFilter(record, filter)))
      .map((record) => `${flags.json ? JSON.stringify(record) : formatRecord(record, colour)}\n`)
      .join('');
    if (lines !== '') process.stdout.write(lines);
  };
  print(await tail.poll());
  while (flags.follow) {
    await sleep(FOLLOW_POLL_MS);
    print(await tail.poll());
  }
}
