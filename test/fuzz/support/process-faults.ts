/**
 * Records what escapes every handler while a fuzz suite runs: unhandled promise rejections and uncaught
 * exceptions. The coordinator under test runs in this process, so a crash of it lands here instead of ending
 * a server; the suite fails when anything was recorded.
 */
export interface ProcessFaults {
  /** Descriptions of the faults seen since `watchProcessFaults`, oldest first. */
  readonly seen: readonly string[];
  stop(): void;
}

export function watchProcessFaults(): ProcessFaults {
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
