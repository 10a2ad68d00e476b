/**
 * Debug aid: `kill -USR2 <agent pid>` logs one `memory` line with `process.memoryUsage()` (RSS and the V8
 * heap, in bytes) at info level. When the agent runs with `--expose-gc` (`NODE_OPTIONS=--expose-gc`, as
 * `npm run bench` does) it collects garbage first, so that successive readings compare. Nothing runs until
 * the signal arrives.
 */
import type { Logger } from './logging.js';

export const MEMORY_REPORT_SIGNAL = 'SIGUSR2';

/** Returns a function that removes the handler. */
export function reportMemoryOnSignal(logger: Logger): () => void {
  const report = (): void => {
    (globalThis as { gc?: () => void }).gc?.();
    logger.info({ memory: process.memoryUsage() }, 'memory');
  };
  process.on(MEMORY_REPORT_SIGNAL, report);
  return () => process.off(MEMORY_REPORT_SIGNAL, report);
}
