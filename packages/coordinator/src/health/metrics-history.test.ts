import { describe, expect, it } from 'vitest';
import type { HostMetricsSample } from '@baton/shared';
import { MetricsHistory } from './metrics-history.js';

const sample = (cpuPercent: number): HostMetricsSample => ({ at: '1999-01-01T00:00:00.000Z', cpuPercent, memoryPercent: 1, diskPercent: 2, load1: 0 });
const received = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));

describe('MetricsHistory', () => {
  it('keeps the last samples of each host, oldest first, stamped with the receive time', () => {
    const history = new MetricsHistory(3);
    for (let i = 1; i <= 5; i++) history.record('h1', sample(i), received(i));
    history.record('h2', sample(50), received(9));
    expect(history.samples('h1').map((s) => s.cpuPercent)).toEqual([3, 4, 5]);
    expect(history.samples('h1').map((s) => s.at)).toEqual([3, 4, 5].map((s) => received(s).toISOString()));
    expect(history.latest('h1')?.cpuPercent).toBe(5);
    expect(history.samples('h2').map((s) => s.cpuPercent)).toEqual([50]);
    expect(history.latest('h2')?.at).toBe(received(9).toISOString());
  });

  it('knows nothing of a host that never reported', () => {
    const history = new MetricsHistory();
    expect(history.samples('h1')).toEqual([]);
    expect(history.latest('h1')).toBeUndefined();
  });

  it.each([1, 2, 3, 4, 7])('keeps order across the ring after %i samples (capacity 3)', (count) => {
    const history = new MetricsHistory(3);
    for (let i = 1; i <= count; i++) history.record('h1', sample(i), received(i));
    const expected = Array.from({ length: Math.min(count, 3) }, (_, i) => count - Math.min(count, 3) + 1 + i);
    expect(history.samples('h1').map((s) => s.cpuPercent)).toEqual(expected);
    expect(history.latest('h1')?.cpuPercent).toBe(count);
  });
});
