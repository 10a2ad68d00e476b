import { describe, expect, it } from 'vitest';
import { durationBetween, formatDuration, formatTime } from './format.js';
import { sparklinePoints } from './sparkline-points.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [12_340, '12.3 s'],
    [245_000, '4 min 05 s'],
    [7_380_000, '2 h 03 min'],
    [-5, '0 ms'],
  ])('%d ms reads %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('needs both ends of an interval', () => {
    expect(durationBetween('2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.500Z')).toBe('1.5 s');
    expect(durationBetween('2030-01-01T00:00:00.000Z', undefined)).toBeUndefined();
  });

  it('shows times in UTC to the second', () => expect(formatTime('2030-01-01T12:00:03.456Z')).toBe('2030-01-01 12:00:03 UTC'));
});

describe('sparklinePoints', () => {
  it('scales values from the bottom (0) to the top (max) across the width', () => {
    expect(sparklinePoints([0, 50, 100], 100, 20, 100)).toBe('0,20 50,10 100,0');
  });

  it('clamps values outside 0..max', () => expect(sparklinePoints([-10, 250], 10, 10, 100)).toBe('0,10 10,0'));

  it('draws one value as a flat line and nothing as nothing', () => {
    expect(sparklinePoints([25], 40, 8, 100)).toBe('0,6 40,6');
    expect(sparklinePoints([], 40, 8, 100)).toBe('');
  });
});
