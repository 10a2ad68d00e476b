import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostMetricsSample } from '@baton/shared/protocol';
import { cpuBusyPercent, diskUsedPercent, readCpuTimes, sampleHostMetrics } from './host-metrics.js';

describe('cpuBusyPercent', () => {
  it.each([
    ['since boot without an earlier reading', undefined, { busy: 250, total: 1000 }, 25],
    ['between two readings', { busy: 100, total: 1000 }, { busy: 400, total: 1400 }, 75],
    ['no time elapsed', { busy: 100, total: 1000 }, { busy: 100, total: 1000 }, 0],
    ['fully busy', { busy: 0, total: 0 }, { busy: 500, total: 500 }, 100],
  ])('%s', (_name, previous, current, expected) => {
    expect(cpuBusyPercent(previous, current)).toBe(expected);
  });
});

describe('diskUsedPercent', () => {
  it.each([
    // df's arithmetic: used / (used + available to users); root's reserve counts as neither.
    [{ blocks: 100, bfree: 60, bavail: 50 }, (40 / 90) * 100],
    [{ blocks: 100, bfree: 100, bavail: 100 }, 0],
    [{ blocks: 100, bfree: 5, bavail: 0 }, 100],
    [{ blocks: 0, bfree: 0, bavail: 0 }, 0],
  ])('%o → %d', (stats, expected) => {
    expect(diskUsedPercent(stats)).toBeCloseTo(expected, 6);
  });
});

describe('sampleHostMetrics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-metrics-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads this host into a sample the protocol accepts, CPU since the previous reading', async () => {
    const first = await sampleHostMetrics(dir, undefined, new Date('2030-01-01T00:00:00Z'));
    expect(HostMetricsSample.parse(first.sample)).toEqual(first.sample);
    expect(first.sample.at).toBe('2030-01-01T00:00:00.000Z');
    expect(first.sample.memoryPercent).toBeGreaterThan(0);
    expect(first.sample.diskPercent).toBeGreaterThan(0);

    const burnUntil = Date.now() + 200;
    while (Date.now() < burnUntil) Math.sqrt(Math.random());
    const second = await sampleHostMetrics(dir, first.cpu, new Date());
    expect(second.cpu.total).toBeGreaterThan(first.cpu.total);
    expect(second.sample.cpuPercent).toBeGreaterThan(0);
    expect(readCpuTimes().total).toBeGreaterThanOrEqual(second.cpu.total);
  });

  it('fails for a path that does not exist', async () => {
    await expect(sampleHostMetrics(join(dir, 'missing'), undefined, new Date())).rejects.toThrow(/ENOENT/);
  });
});
