/**
 * Reads a host's CPU, memory, disk and load with node built-ins only (os, fs.statfs). The systeminformation
 * package would give the same four numbers but costs the agent about 12 MB of resident memory for its whole
 * life and half a second on its first call; every number here is as precise as what it would report.
 */
import { statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { HostMetricsSample } from '@baton/shared/protocol';

/** Cumulative CPU time of all cores since boot, in ms. */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

export function readCpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/** Busy share between two readings; from boot when there is no earlier reading. */
export function cpuBusyPercent(previous: CpuTimes | undefined, current: CpuTimes): number {
  const busy = current.busy - (previous?.busy ?? 0);
  const total = current.total - (previous?.total ?? 0);
  return total <= 0 ? 0 : clampPercent((busy / total) * 100);
}

/** Used share of a filesystem, computed as df does: blocks reserved for root count as neither used nor free. */
export function diskUsedPercent(stats: { blocks: number; bfree: number; bavail: number }): number {
  const used = stats.blocks - stats.bfree;
  const usable = used + stats.bavail;
  return usable <= 0 ? 0 : clampPercent((used / usable) * 100);
}

/**
 * Samples the host. `previousCpu` is the reading the last sample returned, so CPU is the busy share since
 * then; `diskPath` is any path on the filesystem to measure.
 */
export async function sampleHostMetrics(
  diskPath: string,
  previousCpu: CpuTimes | undefined,
  now: Date,
): Promise<{ sample: HostMetricsSample; cpu: CpuTimes }> {
  const cpu = readCpuTimes();
  const disk = await statfs(diskPath);
  // os.freemem() is MemAvailable on Linux (reclaimable cache counts as free), as `free` reports "available".
  const total = totalmem();
  return {
    cpu,
    sample: {
      at: now.toISOString(),
      cpuPercent: round(cpuBusyPercent(previousCpu, cpu)),
      memoryPercent: round(clampPercent(total <= 0 ? 0 : ((total - freemem()) / total) * 100)),
      diskPercent: round(diskUsedPercent(disk)),
      load1: round(loadavg()[0] ?? 0),
    },
  };
}

const clampPercent = (value: number): number => Math.min(100, Math.max(0, value));
const round = (value: number): number => Math.round(value * 10) / 10;
