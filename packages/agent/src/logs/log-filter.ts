import type { LogRecord } from './log-record.js';

/** `baton-agent logs` filters; every one given must match. */
export interface LogFilter {
  readonly deploymentId?: string;
  readonly event?: string;
  /** ISO time: records before it are left out. */
  readonly since?: string;
}

/** Pure. A filter on deployment or event leaves out the lines that carry none (the agent's own housekeeping). */
export function matchesFilter(record: LogRecord, filter: LogFilter): boolean {
  if (filter.deploymentId !== undefined && record.deploymentId !== filter.deploymentId) return false;
  if (filter.event !== undefined && record.event !== filter.event) return false;
  if (filter.since !== undefined && record.time < filter.since) return false;
  return true;
}

/** Stable: lines of one file keep their order when their times are equal. */
export const sortByTime = (records: readonly LogRecord[]): LogRecord[] =>
  [...records].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
