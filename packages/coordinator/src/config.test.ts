import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.js';

describe('parseServerConfig', () => {
  it('fills in the defaults', () => {
    expect(parseServerConfig({ dataDir: '/var/lib/baton' })).toEqual({
      ok: true,
      value: {
        dataDir: '/var/lib/baton',
        listen: { host: '127.0.0.1', port: 7070 },
        heartbeatIntervalMs: 5000,
        eventTimeoutMs: 3_900_000,
        offlineEventTimeoutMs: 30_000,
        enrollTokenTtlMs: 86_400_000,
        maxUploadBytes: 1024 ** 3,
        logLevel: 'info',
      },
    });
  });

  it('reads addresses and durations given as text', () => {
    const parsed = parseServerConfig({
      dataDir: 'data',
      listen: '[::1]:0',
      heartbeatIntervalMs: '2s',
      offlineEventTimeoutMs: 45_000,
      enrollTokenTtlMs: '7d',
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      listen: { host: '::1', port: 0 },
      heartbeatIntervalMs: 2000,
      offlineEventTimeoutMs: 45_000,
      enrollTokenTtlMs: 604_800_000,
    });
    expect(parsed.ok && Object.isFrozen(parsed.value)).toBe(true);
  });

  it('reports every problem at once', () => {
    const parsed = parseServerConfig({ dataDir: '', listen: 'nowhere', heartbeatIntervalMs: '0s', enrollTokenTtlMs: 'soon' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.split('\n')).toEqual([
      expect.stringMatching(/^dataDir: /),
      expect.stringMatching(/^listen: expected HOST:PORT/),
      'heartbeatIntervalMs: must be longer than 0',
      expect.stringMatching(/^enrollTokenTtlMs: expected a duration/),
    ]);
  });
});
