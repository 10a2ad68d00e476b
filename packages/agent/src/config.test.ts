import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig, parseAgentConfig, type AgentFlags } from './config.js';

const parse = (flags: AgentFlags, file?: unknown) =>
  parseAgentConfig({ flags, file, fileName: 'agent.yml', hostname: 'web-1' });

describe('parseAgentConfig', () => {
  it('applies defaults and derives the WebSocket URL', () => {
    const result = parse({ coordinator: 'http://coord.example:8080/' });
    expect(result).toEqual({
      ok: true,
      value: {
        coordinatorUrl: 'http://coord.example:8080',
        connectUrl: 'ws://coord.example:8080/agent/v1/connect',
        coordinatorTrust: {},
        name: 'web-1',
        tags: {},
        env: {},
        maxRevisions: 5,
        trustedKeys: [],
        metricsIntervalMs: 10_000,
        stopGraceMs: 20_000,
        upkeepSchedule: '17 3 * * *',
        layout: expect.objectContaining({ root: '/', configFile: '/etc/baton/agent.yml' }),
      },
    });
  });

  it('reads how to trust an https coordinator, and refuses a malformed pin', () => {
    const pin = `sha256:${'ab:'.repeat(31)}ab`;
    const result = parse({ coordinator: 'https://coord.example', caFile: 'ca.pem', coordinatorFingerprint: pin });
    expect(result.ok && result.value.coordinatorTrust).toEqual({ caFile: resolve('ca.pem'), fingerprint: pin });
    expect(parse({ coordinator: 'https://coord.example', coordinatorFingerprint: 'sha256:12' })).toEqual({
      ok: false,
      error: [expect.stringMatching(/^--coordinator-fingerprint: expected sha256:<64 hex digits>/)],
    });
  });

  it.each([
    ['https://coord.example', 'wss://coord.example/agent/v1/connect'],
    ['https://coord.example/baton', 'wss://coord.example/baton/agent/v1/connect'],
  ])('maps %s to %s', (coordinator, connectUrl) => {
    const result = parse({ coordinator });
    expect(result.ok && result.value.connectUrl).toBe(connectUrl);
  });

  it('merges flags over the file: scalars replace, tags and env merge per key', () => {
    const file = {
      coordinator: 'http://from-file',
      name: 'file-name',
      tags: { role: 'web', tier: 1 },
      env: ['A=file', 'B=file'],
      'max-revisions': 3,
      'enroll-token': 'tok',
    };
    const result = parse(
      { coordinator: 'https://from-flag', tags: 'tier=2,canary', env: ['B=flag=x'], maxRevisions: '7', metricsInterval: '0.5', root: '/tmp/r' },
      file,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      coordinatorUrl: 'https://from-flag',
      enrollToken: 'tok',
      name: 'file-name',
      tags: { role: 'web', tier: '2', canary: '' },
      env: { A: 'file', B: 'flag=x' },
      maxRevisions: 7,
      metricsIntervalMs: 500,
      layout: { root: '/tmp/r', credentialsFile: '/tmp/r/etc/baton/credentials.json' },
    });
  });

  it('accepts env as a map in the file and resolves files-root', () => {
    const result = parse({ filesRoot: 'rel/files' }, { coordinator: 'http://c', env: { PORT: 8080 } });
    expect(result.ok && result.value.env).toEqual({ PORT: '8080' });
    expect(result.ok && result.value.filesRoot).toBe(join(process.cwd(), 'rel/files'));
  });

  it('trusts the keys of both sources, paths resolved and inline PEM kept', () => {
    const inline = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n';
    const result = parse({ trustedKey: ['keys/ops.pem'] }, { coordinator: 'http://c', 'trusted-keys': [inline] });
    expect(result.ok && result.value.trustedKeys).toEqual([inline, join(process.cwd(), 'keys/ops.pem')]);
  });

  it('reads stop-grace in seconds and checks the shape of upkeep-schedule', () => {
    const good = parse({ coordinator: 'http://c', stopGrace: '1.5' }, { 'upkeep-schedule': '*/5 * * * * *' });
    expect(good.ok && [good.value.stopGraceMs, good.value.upkeepSchedule]).toEqual([1500, '*/5 * * * * *']);
    expect(parse({ coordinator: 'http://c', upkeepSchedule: 'off' })).toMatchObject({ ok: true, value: { upkeepSchedule: 'off' } });
    expect(parse({ coordinator: 'http://c', stopGrace: '-1', upkeepSchedule: 'daily' })).toEqual({
      ok: false,
      error: ['--stop-grace: must be 0 or more (seconds)', "--upkeep-schedule: expected a cron expression such as '17 3 * * *', or off"],
    });
  });

  it('reports every problem of both sources at once, naming the source', () => {
    const result = parse(
      { coordinator: 'ftp://nope', env: ['1BAD=x', 'NOEQUALS'], maxRevisions: '0' },
      { tags: 'k=v', 'max-revison': 3, name: '' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual(
      expect.arrayContaining([
        'agent.yml: max-revison: unknown setting',
        expect.stringMatching(/^agent\.yml: name: /),
        expect.stringMatching(/^--coordinator: /),
        '--env: expected KEY=VALUE, got "NOEQUALS"',
        '--env: invalid environment variable name "1BAD"',
        '--max-revisions: must be at least 1',
      ]),
    );
    expect(result.error).toHaveLength(6);
  });

  it('requires a coordinator', () => {
    expect(parse({})).toEqual({ ok: false, error: ['coordinator: required (--coordinator or agent.yml)'] });
  });

  it('freezes the result', () => {
    const result = parse({ coordinator: 'http://c', tags: 'a=b' });
    expect(result.ok && Object.isFrozen(result.value) && Object.isFrozen(result.value.tags)).toBe(true);
  });
});

describe('loadAgentConfig', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'baton-config-'));
    await mkdir(join(root, 'etc/baton'), { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('reads agent.yml under the root', async () => {
    await writeFile(join(root, 'etc/baton/agent.yml'), 'coordinator: http://c:1\ntags: { env: prod }\n');
    const result = await loadAgentConfig({ root, name: 'n' }, 'host');
    expect(result.ok && result.value).toMatchObject({ coordinatorUrl: 'http://c:1', name: 'n', tags: { env: 'prod' } });
  });

  it('works without a file when the flags suffice', async () => {
    const result = await loadAgentConfig({ root, coordinator: 'http://c' }, 'host');
    expect(result.ok && result.value.layout.deploymentRoot).toBe(join(root, 'var/lib/baton-agent/deployment-root'));
  });

  it('reports invalid YAML with the file name', async () => {
    const file = join(root, 'etc/baton/agent.yml');
    await writeFile(file, 'coordinator: [unclosed\n');
    const result = await loadAgentConfig({ root }, 'host');
    expect(result.ok === false && result.error[0]).toMatch(new RegExp(`^${file}: invalid YAML`));
  });
});
