/**
 * A deployment's changes as server-sent events: a `snapshot` of the deployment as `GET /deployments/{id}` shows
 * it, then each `DeploymentChange` of the runner's feed under its type (`deployment`, `batch`, `instance`,
 * `lifecycle-event`), and a final `end` once the deployment has ended, after which the stream closes. A client
 * that reconnects starts again with a fresh snapshot (there are no event ids to resume from). Comment lines
 * keep idle proxies from closing the stream.
 *
 * Push-based: changes of one deployment are few and small (bounded by its hosts and events), so they are
 * queued for a slow client rather than paged like hook output.
 */
import { isTerminalDeploymentStatus } from '@baton/shared';
import type { DeploymentFeed } from '../runner/deployment-feed.js';
import type { Database } from '../store/database.js';
import { readDeployment } from '../store/deployment-read-model.js';

export interface DeploymentEventStreamOptions {
  readonly heartbeatMs: number;
}

/** Undefined when there is no such deployment. */
export function openDeploymentEventStream(
  db: Database,
  feed: DeploymentFeed,
  deploymentId: string,
  options: DeploymentEventStreamOptions,
): ReadableStream<Uint8Array> | undefined {
  const snapshot = readDeployment(db, deploymentId);
  if (!snapshot) return undefined;
  const encoder = new TextEncoder();
  let closed = false;
  let cleanup = (): void => {};

  return new ReadableStream<Uint8Array>({
    // Runs within the constructor, in the same turn as the snapshot's read: no change can fall in between.
    start(controller) {
      let ending = false;
      const send = (text: string): void => controller.enqueue(encoder.encode(text));
      const finish = (): void => {
        if (closed) return; // cancelled by the client meanwhile
        send('event: end\ndata: {}\n\n');
        cleanup();
        controller.close();
      };
      send(formatEvent('snapshot', snapshot));
      if (isTerminalDeploymentStatus(snapshot.status)) return finish();

      const unsubscribe = feed.subscribe((change) => {
        if (change.deploymentId !== deploymentId) return;
        send(formatEvent(change.type, change));
        if (ending || change.type !== 'deployment' || !isTerminalDeploymentStatus(change.status)) return;
        // The feed publishes a step's changes together, the deployment's status first: end after the rest.
        ending = true;
        queueMicrotask(finish);
      });
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs);
      cleanup = () => {
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
      };
    },
    cancel() {
      cleanup();
    },
  });
}

const formatEvent = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
