import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { deleteExpiredHookOutput } from './hook-output-store.js';

export interface OutputRetentionOptions {
  /** Output of a deployment is kept this long after the deployment ended. */
  readonly retentionMs: number;
  /** How often expired output is looked for; also once at start. */
  readonly intervalMs: number;
}

/** Lines deleted per transaction: small enough that agents' writes and API reads never wait long behind one. */
const DELETE_CHUNK_ROWS = 5_000;

/**
 * Deletes the hook output of deployments that ended more than `retentionMs` ago, at start and then every
 * `intervalMs`, in short chunks that give the event loop back in between.
 */
export class OutputRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly options: OutputRetentionOptions,
    private readonly logger: Logger,
    private readonly clock: () => Date,
  ) {}

  start(): void {
    const run = (): void => {
      this.prune().catch((error: unknown) => this.logger.error({ err: error }, 'cannot prune hook output'));
    };
    run();
    this.timer = setInterval(run, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the schedule; resolves once a prune in progress has given up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; resolves to the number of lines deleted. A pass already running is joined, not repeated. */
  prune(): Promise<number> {
    this.running ??= this.deleteExpired().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async deleteExpired(): Promise<number> {
    const endedBefore = new Date(this.clock().getTime() - this.options.retentionMs);
    let deleted = 0;
    for (;;) {
      if (this.stopped) break;
      const chunk = deleteExpiredHookOutput(this.db, endedBefore, DELETE_CHUNK_ROWS);
      deleted += chunk;
      if (chunk < DELETE_CHUNK_ROWS) break;
      await nextTurn();
    }
    if (deleted > 0) this.logger.info({ deleted, endedBefore: endedBefore.toISOString() }, 'pruned hook output past its retention');
    return deleted;
  }
}
