import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.js';

describe('parseServerConfig', () => {
  it('fills in the defaults', () => {
    expect(parseServerConfig({ dataDir: '/var/lib/baton' })).toEqual({
      ok: true,
      value: {
        dataDir: '/var/lib/baton',
        listen: { host: '127.0.0.1', port: 7070 },
        tlsSelfSigned: false,
        heartbeatIntervalMs: 5000,
        eventTimeoutMs: 3_900_000,
        offlineEventTimeoutMs: 30_000,
        enrollTokenTtlMs: 86_400_000,
        maxUploadBytes: 1024 ** 3,
        maxBundleEntries: 100_000,
        maxUnpackedBytes: 4 * 1024 ** 3,
        maxCompressionRatio: 300,
        maxRequestBodyBytes: 1024 ** 2,
        maxFrameBytes: 1024 ** 2,
        rateLimit: { perSecond: 200, burst: 2000 },
        revisionFetchTimeoutMs: 600_000,
        logRetentionMs: 30 * 86_400_000,
        s3: { region: 'us-east-1', forcePathStyle: false },
        git: { tokenUser: 'x-access-token', githubUrl: 'https://github.com', bitbucketUrl: 'https://bitbucket.org' },
        webhooks: { attempts: 5, initialBackoffMs: 10_000, timeoutMs: 10_000 },
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
      logRetentionMs: '14d',
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      listen: { host: '::1', port: 0 },
      heartbeatIntervalMs: 2000,
      offlineEventTimeoutMs: 45_000,
      enrollTokenTtlMs: 604_800_000,
      logRetentionMs: 14 * 86_400_000,
    });
    expect(parsed.ok && Object.isFrozen(parsed.value)).toBe(true);
  });

  it('reads S3 and Git settings, and refuses half a key pair', () => {
    const parsed = parseServerConfig({
      dataDir: 'data',
      maxUploadBytes: '1048576',
      s3: { endpoint: 'http://127.0.0.1:9000/', forcePathStyle: 'true', accessKeyId: 'id', secretAccessKey: 'secret' },
      git: { token: 't0ken', githubUrl: 'https://ghe.example.com/' },
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      maxUploadBytes: 1_048_576,
      s3: { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, region: 'us-east-1', accessKeyId: 'id' },
      git: { token: 't0ken', tokenUser: 'x-access-token', githubUrl: 'https://ghe.example.com', bitbucketUrl: 'https://bitbucket.org' },
    });
    expect(parsed.ok && Object.isFrozen(parsed.value.s3)).toBe(true);
    const half = parseServerConfig({ dataDir: 'data', s3: { accessKeyId: 'id' }, git: { githubUrl: 'ftp://x' } });
    expect(half.ok ? [] : half.error.split('\n')).toEqual([
      's3: give both the access key id and the secret key, or neither',
      expect.stringMatching(/^git\.githubUrl: expected an http/),
    ]);
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
