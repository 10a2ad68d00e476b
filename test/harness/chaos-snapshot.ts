/**
 * What the API showed just before a fault, to compare with what it shows afterwards: a fault may interrupt
 * work, but never take back a recorded deployment outcome, event result or line of hook output.
 */
import { isTerminalDeploymentStatus } from '@baton/shared';
import type { ChaosApi, DeploymentWithGroup } from './chaos-api.js';

export interface ApiSnapshot {
  readonly deployments: ReadonlyMap<string, DeploymentWithGroup>;
  /** Per deployment, one key per stored line of hook output. */
  readonly logs: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What a snapshot holds that later ones must keep: finished events and stored lines. */
export interface SnapshotCounts {
  readonly finishedEvents: number;
  readonly logLines: number;
}

const FINISHED_EVENT = new Set(['Succeeded', 'Failed', 'Skipped']);

export async function takeSnapshot(api: ChaosApi, application: string): Promise<ApiSnapshot> {
  const summaries = await api.deploymentsOf(application);
  const deployments = await Promise.all(summaries.map((summary) => api.deployment(summary.deploymentId)));
  const logs = await Promise.all(
    deployments.map(async (d) => [d.deploymentId, new Set((await api.logs(d.deploymentId)).map((l) => `${l.host} ${l.event} #${l.seq} [${l.stream}] ${l.text}`))] as const),
  );
  return { deployments: new Map(deployments.map((d) => [d.deploymentId, d])), logs: new Map(logs) };
}

export function countSnapshot(snapshot: ApiSnapshot): SnapshotCounts {
  let finishedEvents = 0;
  for (const deployment of snapshot.deployments.values()) {
    for (const instance of deployment.instances) finishedEvents += instance.lifecycleEvents.filter((e) => FINISHED_EVENT.has(e.status)).length;
  }
  let logLines = 0;
  for (const lines of snapshot.logs.values()) logLines += lines.size;
  return { finishedEvents, logLines };
}

/** Everything `before` recorded that `after` no longer shows, one description each; empty when nothing was lost. */
export function lostSince(before: ApiSnapshot, after: ApiSnapshot): string[] {
  const lost: string[] = [];
  for (const [id, was] of before.deployments) {
    const now = after.deployments.get(id);
    if (!now) {
      lost.push(`deployment ${id} is gone`);
      continue;
    }
    if (isTerminalDeploymentStatus(was.status) && now.status !== was.status) lost.push(`deployment ${id} was ${was.status}, now ${now.status}`);
    for (const instance of was.instances) {
      const events = now.instances.find((i) => i.hostId === instance.hostId)?.lifecycleEvents ?? [];
      for (const event of instance.lifecycleEvents.filter((e) => FINISHED_EVENT.has(e.status))) {
        const later = events.find((e) => e.lifecycleEventName === event.lifecycleEventName);
        if (later?.status !== event.status || later.endTime !== event.endTime) {
          lost.push(
            `${id} ${instance.name} ${event.lifecycleEventName} was ${event.status} (ended ${event.endTime}), now ${later?.status ?? 'missing'} (ended ${later?.endTime})`,
          );
        }
      }
    }
    const lines = after.logs.get(id) ?? new Set<string>();
    for (const line of before.logs.get(id) ?? []) if (!lines.has(line)) lost.push(`${id} output line lost: ${line}`);
  }
  return lost;
}
