/**
 * Records what escapes every handler while a fuzz suite runs: unhandled promise rejections and uncaught
 * exceptions. The coordinator under test runs in this process, so a crash of it lands here instead of ending
 * a server; the suite fails when anything was recorded.
 */
import { afterAll, beforeAll, expect } from 'vitest';

export interface ProcessFaults {
  /** Descriptions of the faults seen since the suite began, oldest first. */
  readonly seen: readonly string[];
}

/**
 * Called at the top of a `describe`: watches from before its first set-up to after its last tear-down (hooks run
 * as a stack), and fails the suite if anything escaped. Tests may also check `seen` on the way.
 */
export function failOnProcessFaults(): ProcessFaults {
  let watcher: (ProcessFaults & { stop(): void }) | undefined;
  beforeAll(() => {
    watcher = watchProcessFaults();
  });
  afterAll(() => {
    watcher?.stop();
    expect(watcher?.seen ?? []).toEqual([]);
  });
  return {
    get seen() {
      return watcher?.seen ?? [];
    },
  };
}

function watchProcessFaults(): ProcessFaults & { stop(): void } {
  const seen: string[] = [];
  const onRejection = (reason: unknown) => seen.push(`unhandled rejection: ${describe(reason)}`);
  const onException = (error: unknown) => seen.push(`uncaught exception: ${describe(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

const describe = (value: unknown): string => (value instanceof Error ? (value.stack ?? value.message) : String(value));
