import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    [' 0s ', 0],
  ])('%j is %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each(['', '10', '1.5h', '-1s', '3 weeks', 'h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toMatchObject({ ok: false, error: expect.stringContaining('expected a duration') });
  });
});
