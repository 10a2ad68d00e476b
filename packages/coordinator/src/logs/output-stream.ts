/**
 * A deployment's stored hook output as a byte stream, optionally following new lines until the deployment
 * ends. Pull-based: the store is read a page at a time as the client takes it, so a large log or a slow client
 * costs no memory; the bus and the feed only wake a waiting reader, which then reads the store from its cursor,
 * so no line is missed or repeated whatever the timing.
 */
import { isTerminalDeploymentStatus } from '@baton/shared';
import type { DeploymentFeed } from '../runner/deployment-feed.js';
import type { Database } from '../store/database.js';
import { getDeployment } from '../store/deployments.js';
import type { HookOutputBus } from './hook-output-bus.js';
import { readHookOutput, type HookOutputLine, type OutputFilter } from './hook-output-store.js';

export interface OutputStreamSource {
  readonly db: Database;
  readonly bus: HookOutputBus;
  readonly feed: DeploymentFeed;
}

export interface OutputStreamRequest {
  readonly deploymentId: string;
  readonly filter: OutputFilter;
  /** Keep the stream open for new lines until the deployment ends (at once when it has ended already). */
  readonly follow: boolean;
  /** One line's text, without the newline. */
  readonly format: (line: HookOutputLine) => string;
}

const PAGE_LINES = 500;

export function openOutputStream({ db, bus, feed }: OutputStreamSource, request: OutputStreamRequest): ReadableStream<Uint8Array> {
  const { deploymentId, filter, format } = request;
  const encoder = new TextEncoder();
  let cursor = 0;
  let ended = !request.follow || isFinished(db, deploymentId);
  let cancelled = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const unsubscribe = ended
    ? []
    : [
        bus.subscribe(deploymentId, poke),
        feed.subscribe((change) => {
          if (change.type !== 'deployment' || change.deploymentId !== deploymentId) return;
          if (!isTerminalDeploymentStatus(change.status)) return;
          ended = true;
          poke();
        }),
      ];
  const release = (): void => {
    for (const stop of unsubscribe.splice(0)) stop();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (cancelled) return;
        const page = readHookOutput(db, deploymentId, filter, cursor, PAGE_LINES);
        const last = page.at(-1);
        if (last !== undefined) {
          cursor = last.id;
          controller.enqueue(encoder.encode(page.map((line) => `${format(line)}\n`).join('')));
          return;
        }
        if (ended) {
          release();
          controller.close();
          return;
        }
        // Nothing new yet: sleep until the next stored batch or the deployment's end, then read again.
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    cancel() {
      cancelled = true;
      release();
      poke();
    },
  });
}

function isFinished(db: Database, deploymentId: string): boolean {
  const deployment = getDeployment(db, deploymentId);
  return deployment === undefined || isTerminalDeploymentStatus(deployment.status);
}
