import type { HostMetricsSample } from '@baton/shared/protocol';
import type { Logger } from '../logging.js';
import { sampleHostMetrics, type CpuTimes } from './host-metrics.js';

export interface MetricsReporterOptions {
  readonly intervalMs: number;
  /** A path on the filesystem whose use is reported as the disk metric. */
  readonly diskPath: string;
  /** Returns whether the sample went out; a sample that cannot be sent is dropped (metrics are not queued). */
  readonly send: (sample: HostMetricsSample) => boolean;
  readonly logger: Logger;
}

/**
 * Samples the host every `intervalMs` and sends the sample. Also sends one at once on `reportNow()` (the
 * agent calls it when a session opens, so the coordinator has a current sample without waiting an interval).
 * The timer is unref'd: it never keeps the process alive.
 */
export class MetricsReporter {
  private timer: NodeJS.Timeout | undefined;
  private previousCpu: CpuTimes | undefined;
  private sampling = false;

  constructor(private readonly options: MetricsReporterOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.reportNow(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  reportNow(): void {
    // A slow statfs (a hung network filesystem) must not pile up samplings.
    if (this.sampling) return;
    this.sampling = true;
    sampleHostMetrics(this.options.diskPath, this.previousCpu, new Date())
      .then(({ sample, cpu }) => {
        this.previousCpu = cpu;
        this.options.send(sample);
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'cannot sample host metrics'))
      .finally(() => (this.sampling = false));
  }
}
