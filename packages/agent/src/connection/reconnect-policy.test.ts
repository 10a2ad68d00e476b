import { describe, expect, it } from 'vitest';
import { nextReconnectDelay, RECONNECT_CAP_MS } from './reconnect-policy.js';

describe('nextReconnectDelay', () => {
  it.each([
    // attempt, random, delay
    [0, 0, 0],
    [0, 0.5, 100],
    [0, 0.999, 199],
    [1, 0.5, 200],
    [2, 0.5, 400],
    [3, 0.5, 800],
    [5, 0.5, 3_200],
    [5, 0.999, 6_393],
    [6, 0.5, 5_000],
    [6, 0.999, 9_990],
    [50, 0.5, 5_000],
    [5_000, 0.999, 9_990],
    [-1, 0.5, 100],
  ])('attempt %i with draw %f waits %i ms', (attempt, random, delay) => {
    expect(nextReconnectDelay({ attempt, random })).toBe(delay);
  });

  it('never exceeds the cap', () => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      expect(nextReconnectDelay({ attempt, random: 0.999_999 })).toBeLessThan(RECONNECT_CAP_MS);
    }
  });
});
