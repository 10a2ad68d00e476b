import type { HookOutputLine } from './hook-output-store.js';

export type HookOutputListener = (line: HookOutputLine) => void;

/**
 * Live hook output per deployment, line by line, for followers (the logs API, the dashboard's log viewer).
 * Lines are published once stored, in `id` order, so a follower may read the stored backlog (`readHookOutput`)
 * and then take live lines after the last id it read, missing and repeating none. A listener runs synchronously on the gateway's turn: it must be quick; one that throws is
 * reported and does not stop the others.
 */
export class HookOutputBus {
  private readonly listeners = new Map<string, Set<HookOutputListener>>();

  constructor(private readonly onListenerError: (error: unknown, deploymentId: string) => void) {}

  /** Returns the function that unsubscribes. */
  subscribe(deploymentId: string, listener: HookOutputListener): () => void {
    const listeners = this.listeners.get(deploymentId) ?? new Set();
    listeners.add(listener);
    this.listeners.set(deploymentId, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(deploymentId) === listeners) this.listeners.delete(deploymentId);
    };
  }

  publish(deploymentId: string, lines: readonly HookOutputLine[]): void {
    const listeners = this.listeners.get(deploymentId);
    if (!listeners) return;
    for (const line of lines) {
      for (const listener of [...listeners]) {
        try {
          listener(line);
        } catch (error) {
          this.onListenerError(error, deploymentId);
        }
      }
    }
  }
}
