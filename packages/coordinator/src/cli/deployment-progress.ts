/**
 * Follows a deployment until it ends, printing each host's lifecycle events as they change. It long-polls
 * the API (`/deployments/{id}/wait`), so progress shows as soon as the coordinator records it.
 */
import { isTerminalDeploymentStatus, type DeploymentStatus } from '@baton/shared';
import type { DeploymentView } from '../store/deployment-read-model.js';
import type { ApiClient } from './api-client.js';

export type DeploymentWithVersion = DeploymentView & { version: number };

export async function followDeployment(
  client: ApiClient,
  deploymentId: string,
  print: (line: string) => void,
): Promise<DeploymentWithVersion> {
  const seen = new Map<string, string>();
  let lastStatus: DeploymentStatus | undefined;
  for (;;) {
    const deployment = await client.get<DeploymentWithVersion>(`/api/v1/deployments/${deploymentId}`);
    for (const line of newProgressLines(deployment, seen)) print(line);
    if (deployment.status !== lastStatus) {
      print(`${deploymentId}: ${deployment.status}`);
      lastStatus = deployment.status;
    }
    if (isTerminalDeploymentStatus(deployment.status)) return deployment;
    await client.get(`/api/v1/deployments/${deploymentId}/wait?after=${deployment.version}&timeoutMs=20000`);
  }
}

/** Lines for the events that finished since the last call (`seen` remembers). */
function newProgressLines(deployment: DeploymentView, seen: Map<string, string>): string[] {
  const lines: string[] = [];
  const width = Math.max(4, ...(deployment.instances ?? []).map((i) => i.name.length));
  for (const instance of deployment.instances ?? []) {
    for (const event of instance.lifecycleEvents) {
      const key = `${instance.hostId}/${event.lifecycleEventName}`;
      if (event.status === 'Pending' || event.status === 'InProgress' || seen.get(key) === event.status) continue;
      seen.set(key, event.status);
      const took = event.startTime && event.endTime ? ` (${formatSeconds(Date.parse(event.endTime) - Date.parse(event.startTime))})` : '';
      const why = event.status === 'Failed' && event.diagnostics ? `: ${event.diagnostics.errorCode}: ${event.diagnostics.message}` : '';
      lines.push(`  ${instance.name.padEnd(width)}  ${event.lifecycleEventName.padEnd(16)}  ${event.status}${took}${why}`);
    }
  }
  return lines;
}

/** What went wrong, host by host, with the end of the failing script's output. */
export function describeFailure(deployment: DeploymentView): string {
  const lines = [`${deployment.status}: ${deployment.errorInformation?.code ?? ''}: ${deployment.errorInformation?.message ?? ''}`];
  for (const instance of deployment.instances ?? []) {
    const failed = instance.lifecycleEvents.filter((e) => e.status === 'Failed');
    for (const event of failed) {
      lines.push(`  ${instance.name} ${event.lifecycleEventName}: ${event.diagnostics?.errorCode ?? ''} ${event.diagnostics?.message ?? ''}`);
      const tail = event.diagnostics?.logTail.trim().split('\n').slice(-10) ?? [];
      for (const line of tail) if (line) lines.push(`    | ${line}`);
    }
  }
  if (deployment.rollbackInfo?.rollbackMessage) lines.push(`  rollback: ${deployment.rollbackInfo.rollbackMessage}`);
  return lines.join('\n');
}

const formatSeconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
