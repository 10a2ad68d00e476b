import type { StatusReport } from './collect-status.js';

/** The human form of `baton-agent status`. Pure: `now` comes in so that "for 3m" is testable. */
export function formatStatus(report: StatusReport, now: Date): string {
  const { status } = report;
  const lines: string[] = [];
  if (report.agentRunning && status !== undefined) {
    lines.push(`agent:        running (pid ${status.pid}, version ${status.agentVersion}, started ${ago(status.startedAt, now)})`);
    const { connection } = status;
    const reason = connection.reason === undefined ? '' : ` (${connection.reason})`;
    lines.push(`connection:   ${connection.state} for ${ago(connection.since, now, '')}${reason}`);
  } else {
    lines.push(`agent:        not running${status === undefined ? '' : ` (last started ${ago(status.startedAt, now)})`}`);
  }
  lines.push(`coordinator:  ${report.coordinatorUrl ?? '(not configured)'}`);
  const tags = Object.entries(status?.tags ?? {}).map(([key, value]) => (value === '' ? key : `${key}=${value}`));
  const name = status === undefined ? '' : ` (${status.name})`;
  lines.push(`host:         ${report.hostId ?? '(not enrolled)'}${name}${tags.length > 0 ? ` tags ${tags.join(',')}` : ''}`);
  const running = report.agentRunning ? status?.running : undefined;
  lines.push(
    `running now:  ${running === undefined ? 'nothing' : `${running.deploymentId} ${running.event} (since ${ago(running.since, now)})`}`,
  );
  if (status?.lastEvent !== undefined) {
    const last = status.lastEvent;
    lines.push(`last event:   ${last.deploymentId} ${last.event} ${last.status} (${ago(last.endTime, now)})`);
  }
  lines.push('last installed revision per group (its ApplicationStop runs next):');
  if (report.lastSuccessful.length === 0) lines.push('  (none)');
  for (const revision of report.lastSuccessful) {
    const names = revision.groupName === undefined ? '' : ` ${revision.applicationName}/${revision.groupName}`;
    lines.push(`  ${revision.groupId}${names}: ${revision.deploymentId}, installed ${ago(revision.installedAt, now)}`);
  }
  const { directories, bytes } = report.keptRevisions;
  lines.push(`kept revisions: ${formatBytes(bytes)} in ${directories} deployment director${directories === 1 ? 'y' : 'ies'}`);
  return `${lines.join('\n')}\n`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `2026-05-01T10:00:00.000Z (3m ago)`; with suffix '' just the elapsed part, e.g. `3m`. */
function ago(iso: string, now: Date, suffix = ' ago'): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  const elapsed =
    seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m` : seconds < 86_400 ? `${Math.floor(seconds / 3600)}h` : `${Math.floor(seconds / 86_400)}d`;
  return suffix === '' ? `${elapsed} (since ${iso})` : `${iso} (${elapsed}${suffix})`;
}
