/**
 * Runs upkeep at the times of the `upkeep-schedule` cron expression, with one unref'd timer (it never keeps the
 * process alive). After each round, and at start, it asks `nextRun` for the next time (see next-run.ts).
 *
 * Contract: a failure to compute the next run (an invalid expression) is logged once and upkeep stays off; a
 * failing round is logged and the schedule goes on. A timer longer than setTimeout allows is re-armed in steps.
 */
import type { Result } from '@baton/shared/result';
import type { Logger } from '../logging.js';

export interface UpkeepSchedulerOptions {
  readonly schedule: string;
  readonly nextRun: (schedule: string) => Promise<Result<Date, string>>;
  /** One round; the agent runs it through its command queue, so never beside a lifecycle event. */
  readonly onDue: () => Promise<void>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class UpkeepScheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: UpkeepSchedulerOptions) {}

  start(): void {
    if (this.options.schedule === 'off') return;
    void this.armNext();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async armNext(): Promise<void> {
    const next = await this.options.nextRun(this.options.schedule);
    if (this.stopped) return;
    if (!next.ok) {
      this.options.logger.error({ schedule: this.options.schedule }, `upkeep is off: ${next.error}`);
      return;
    }
    this.options.logger.debug({ nextRun: next.value.toISOString() }, 'upkeep scheduled');
    this.armAt(next.value);
  }

  private armAt(at: Date): void {
    const delay = at.getTime() - (this.options.now ?? (() => new Date()))().getTime();
    this.timer = setTimeout(() => (delay > MAX_TIMER_MS ? this.armAt(at) : void this.fire()), Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.options.onDue();
    } catch (error) {
      this.options.logger.error({ err: error }, 'upkeep failed');
    }
    // Strictly after this round: a round that ends within the same minute must not run twice.
    if (!this.stopped) await this.armNext();
  }
}
